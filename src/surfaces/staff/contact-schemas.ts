import { type Static, Type } from 'typebox'
import { contactLimits } from '../../domain/contacts/contact-fields.ts'
import {
  CONTACT_COUNT_BOUND,
  CONTACT_SEARCH_COUNT_BOUND,
  REPLY_MAX_LENGTH,
  UNVIEWED_COUNT_BOUND,
} from '../../domain/contacts/staff-contacts-service.ts'
import { IdInteger } from '../http/input-guard.ts'
import { nullable } from '../http/nullable.ts'
import { CappedPage, PageQuery } from './pagination.ts'
import { StaffUserRef } from './user-schemas.ts'

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
const routing = {
  status: Type.Optional(Type.String({ description: '`open` or `resolved`.' })),
  assignee: Type.Optional(
    nullable(
      IdInteger({
        description: 'The id of a staff or admin user of the company (see `/api/staff-members/`), or null.',
      }),
    ),
  ),
}
export const CreateContactBody = Type.Object({ subject, ...contactText, viewed, ...routing })
export const UpdateContactBody = Type.Object({
  subject: Type.Optional(subject),
  ...contactText,
  viewed,
  ...routing,
})
export const ReplaceContactBody = Type.Object({ subject, ...contactText, viewed, ...routing })
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

export const EmailResponse = Type.Object(EmailDelivery.properties, {
  description: 'One email of a contact and how its delivery went.',
})

export const ContactReplyResponse = Type.Object({
  id: Type.Integer(),
  body: Type.String({ description: 'The answer as sent.' }),
  author: nullable(StaffUserRef),
  created_at: dateTime('When it was sent.'),
  email: nullable(
    Type.Object(
      {
        id: Type.Integer(),
        status: Type.String({ description: '`pending`, `sent` or `failed`.' }),
        attempts: Type.Integer(),
        last_error: nullable(Type.String()),
        sent_at: nullable(dateTime('When the email was delivered.')),
      },
      { description: 'The email that carries it; also among the contact’s `emails`.' },
    ),
  ),
})

export const ReplyBody = Type.Object({
  body: Type.String({
    minLength: 1,
    maxLength: REPLY_MAX_LENGTH,
    description: 'The answer, as plain text; emailed to the contact’s address.',
  }),
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
  order: nullable(
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      items: Type.Array(
        Type.Object({ id: Type.Integer(), product_name: Type.String(), quantity: Type.Integer() }),
        { description: 'The order’s lines.' },
      ),
    }),
  ),
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
  status: Type.String({ description: '`open` (new contacts) or `resolved`.' }),
  assignee: nullable(StaffUserRef),
  replies: Type.Array(ContactReplyResponse, { description: 'The staff’s email answers, oldest first.' }),
})

const when = (description: string) => Type.String({ description })

export const ContactListQuery = Type.Object({
  ...PageQuery,
  viewed: Type.Optional(
    Type.String({ description: '`true` or `false` (also `1`/`0`); anything else is ignored.' }),
  ),
  status: Type.Optional(Type.String({ description: '`open` or `resolved`; anything else is ignored.' })),
  subject: Type.Optional(Type.String({ description: 'A contact subject’s id (the form’s `subject_id`).' })),
  operation: Type.Optional(Type.String({ description: 'The form’s operation, exactly.' })),
  assignee: Type.Optional(
    Type.String({ description: 'A staff user’s id, or `none` for contacts assigned to nobody.' }),
  ),
  created_at__gte: Type.Optional(when('Created at or after (ISO 8601; a date alone is midnight UTC).')),
  created_at__lte: Type.Optional(when('Created at or before.')),
  created_at_after: Type.Optional(when('Same as `created_at__gte`.')),
  created_at_before: Type.Optional(when('Same as `created_at__lte`.')),
  search: Type.Optional(
    Type.String({
      description:
        'Terms separated by spaces or commas; each must occur, in any case, in a name, the email, the subject or the message.',
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
export const ContactPage = Type.Object({
  ...CappedPage(ContactResponse, CONTACT_COUNT_BOUND).properties,
  count: Type.Integer({
    description: `How many match. Counting stops past ${CONTACT_COUNT_BOUND.toLocaleString('en')}, or past ${CONTACT_SEARCH_COUNT_BOUND.toLocaleString('en')} with \`search\` (or past the page asked for, if that lies further): when more match, \`count\` is the bound and \`count_capped\` is true.`,
  }),
  count_capped: Type.Boolean({
    description:
      'True when counting stopped at the bound with more to come: show the count with a "+". A next page then exists.',
  }),
  total_unviewed: Type.Integer({
    description: `How many of the company’s contacts no staff member has opened, counted up to ${UNVIEWED_COUNT_BOUND.toLocaleString('en')}.`,
  }),
  total_unviewed_capped: Type.Boolean({
    description: `True when more than ${UNVIEWED_COUNT_BOUND.toLocaleString('en')} are: show "${UNVIEWED_COUNT_BOUND.toLocaleString('en')}+".`,
  }),
})

export const ContactIdParams = Type.Object({ id: Type.String() })
export const ContactEmailParams = Type.Object({ id: Type.String(), email_id: Type.String() })
