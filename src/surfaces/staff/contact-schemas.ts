import { type Static, Type } from 'typebox'
import { contactLimits } from '../../domain/contacts/contact-fields.ts'
import { nullable } from '../http/nullable.ts'
import { PageQuery } from './pagination.ts'

const text = (max: number | undefined, description: string) =>
  Type.String(max === undefined ? { description } : { maxLength: max, description })

const contactText = {
  message: Type.Optional(text(undefined, 'The message content of the contact.')),
  first_name: Type.Optional(text(contactLimits.firstName, 'The first name of the contact.')),
  last_name: Type.Optional(text(contactLimits.lastName, 'The last name of the contact.')),
  email: Type.Optional(text(contactLimits.email, 'The email address of the contact (may be blank).')),
  mobile_number: Type.Optional(
    text(contactLimits.mobileNumber, 'Mobile number associated with the contact.'),
  ),
}

const subject = Type.String({
  minLength: 1,
  maxLength: contactLimits.subject,
  description: 'The subject of the contact.',
})

const viewed = Type.Optional(
  Type.Boolean({ description: 'Whether the contact has been viewed; `false` also clears `viewed_at`.' }),
)
export const CreateContactBody = Type.Object({ subject, ...contactText, viewed })
export const UpdateContactBody = Type.Object({ subject: Type.Optional(subject), ...contactText, viewed })
export const ReplaceContactBody = Type.Object({ subject, ...contactText, viewed })
export type ContactBody = Partial<Static<typeof UpdateContactBody>>

const dateTime = (description: string) => Type.String({ format: 'date-time', description })

const EmailDelivery = Type.Object({
  id: Type.Integer(),
  to: Type.Array(Type.String()),
  status: Type.String({ description: '`pending` until delivered (`sent`) or given up on (`failed`).' }),
  attempts: Type.Integer(),
  last_error: nullable(Type.String()),
  created_at: dateTime('When the email was queued.'),
  sent_at: nullable(dateTime('When the email was delivered.')),
})

export const ContactResponse = Type.Object({
  id: Type.Integer({ description: 'Unique ID of the contact.' }),
  subject: Type.String({ description: 'The subject of the contact.' }),
  message: Type.String({ description: 'The message content of the contact.' }),
  first_name: Type.String({ description: 'The first name of the contact.' }),
  last_name: Type.String({ description: 'The last name of the contact.' }),
  email: Type.String({ description: 'The email address of the contact.' }),
  mobile_number: Type.String({ description: 'Mobile number associated with the contact.' }),
  viewed: Type.Boolean({ description: 'Whether the contact has been viewed.' }),
  viewed_at: nullable(dateTime('Timestamp when the contact was viewed.')),
  created_at: dateTime('Timestamp when the contact was created.'),
  updated_at: dateTime('Timestamp when the contact was last updated.'),
  source: Type.String({ description: '`contact_us` for the storefront form, `staff` for one made here.' }),
  subject_id: nullable(Type.Integer({ description: 'The contact subject chosen on the contact-us form.' })),
  order: nullable(Type.Object({ id: Type.Integer(), number: Type.String() })),
  operation: nullable(Type.String()),
  user: nullable(Type.Object({ id: Type.Integer(), email: Type.String() })),
  attachment: nullable(
    Type.Object({
      name: Type.String(),
      size: Type.Integer(),
      content_type: Type.String(),
      url: Type.String({ format: 'uri', description: 'Download link; needs a staff token.' }),
    }),
  ),
  emails: Type.Array(EmailDelivery, { description: 'The emails this contact sent, and how delivery went.' }),
})

const when = (description: string) => Type.String({ description })

export const ContactListQuery = Type.Object({
  ...PageQuery,
  viewed: Type.Optional(
    Type.String({ description: '`true` or `false` (also `1`/`0`); anything else is ignored.' }),
  ),
  created_at__gte: Type.Optional(when('Created at or after (ISO 8601; a date alone is midnight UTC).')),
  created_at__lte: Type.Optional(when('Created at or before.')),
  created_at_after: Type.Optional(when('Same as `created_at__gte`.')),
  created_at_before: Type.Optional(when('Same as `created_at__lte`.')),
  search: Type.Optional(
    Type.String({
      description:
        'Terms separated by spaces or commas; each must occur in a name, the email, the subject or the message.',
    }),
  ),
  ordering: Type.Optional(
    Type.String({
      description:
        'Comma-separated fields, `-` for descending: id, created_at, updated_at, viewed, viewed_at, subject, email, first_name, last_name. Default `-created_at`.',
    }),
  ),
})
export type ContactListQuery = Static<typeof ContactListQuery>

/** Ids are read by the route, so that `/contacts/abc` is a 404 like any other unknown contact. */
export const ContactIdParams = Type.Object({ id: Type.String() })
