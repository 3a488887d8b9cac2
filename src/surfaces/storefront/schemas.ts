import { Type } from 'typebox'
import { IdInteger } from '../http/input-guard.ts'
import { nullable } from '../http/nullable.ts'

export const EnumValue = Type.Object({ value: Type.String(), label: Type.String() })

export const LoginRequest = Type.Object({
  email: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1 }),
  formType: Type.Optional(Type.String({ description: 'Sent by `@akinon/next` (`login`); ignored.' })),
  locale: Type.Optional(Type.String({ description: 'Sent by `@akinon/next`; ignored.' })),
  captchaValidated: Type.Optional(Type.String({ description: 'Sent by `@akinon/next`; ignored.' })),
})

export const StorefrontUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  phone: Type.String(),
  gender: nullable(EnumValue),
  is_staff: Type.Boolean(),
})

export const LoginResponse = Type.Object({
  ...StorefrontUser.properties,
  key: Type.String({
    description:
      'Names the session opened (dj-rest-auth answers a login with a `key`; a client without one counts the login as failed). Not a credential: the session is the HttpOnly cookie.',
  }),
})

/** `GET /current_user/`: the fields `@akinon/next` reads of the signed-in user. */
export const CurrentUser = Type.Object({
  pk: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  phone: Type.String(),
  email_allowed: Type.Boolean(),
  sms_allowed: Type.Boolean(),
  date_joined: Type.String({ format: 'date-time' }),
  last_login: nullable(Type.String({ format: 'date-time' })),
  date_of_birth: nullable(Type.String({ format: 'date' })),
  hashed_email: Type.String({ description: 'SHA-256 of the lower-cased email, in hex.' }),
  gender: nullable(Type.String()),
})

export const CsrfTokenResponse = Type.Object({ csrf_token: Type.String({ pattern: '^[a-zA-Z0-9]+$' }) })

export const ContactUsRequest = Type.Object({
  subject: IdInteger({
    description: 'ID of the contact subject. Determines if an order reference is required.',
  }),
  full_name: Type.String({ minLength: 1, maxLength: 70 }),
  email: Type.String({ format: 'email', minLength: 1 }),
  phone: Type.Optional(Type.String({ maxLength: 70 })),
  message: Type.String({ minLength: 1 }),
  file: Type.Optional(
    Type.String({
      format: 'binary',
      description: 'Optional file attachment. Validated for allowed extensions and size limits.',
    }),
  ),
  order: Type.Optional(
    IdInteger({
      description:
        'ID of the related order. Required if the selected subject implies an order context. Must belong to the authenticated user.',
    }),
  ),
  operation: Type.Optional(
    Type.String({
      maxLength: 30,
      description:
        'Operation type key. Validated against configured contact email recipients (`CONTACT_US_EMAIL_TO`).',
    }),
  ),
})

export const ContactUsSubject = Type.Object({
  id: Type.Integer({ description: 'Unique identifier for the contact subject.' }),
  text: Type.String({ description: 'Localized subject text.' }),
  is_order_needed: Type.Boolean({ description: 'Indicates if an order ID is required for this subject.' }),
})
