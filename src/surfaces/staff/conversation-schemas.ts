import { Type } from 'typebox'
import {
  INBOX_COUNT_BOUND,
  INBOX_SEARCH_COUNT_BOUND,
  INBOX_TEXT_MAX,
} from '../../domain/conversations/inbox/staff-inbox-service.ts'
import { IdInteger } from '../http/input-guard.ts'
import { nullable } from '../http/nullable.ts'
import { CappedPage, PageQuery } from './pagination.ts'
import { StaffUserRef } from './user-schemas.ts'

const dateTime = (description: string) => Type.String({ format: 'date-time', description })

const Person = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
})

export const InboxConversation = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  type: Type.String({ description: '`message`, `question` or `review`.' }),
  status: Type.String({
    description:
      '`deleted` if soft-deleted, else `archived` if archived, else `answered` if the last message is not the customer’s, else `open`.',
  }),
  archived: Type.Boolean(),
  deleted: Type.Boolean(),
  counterparty: Type.String({
    description:
      'Whom the customer talks with: `seller` (a seller’s members) or `shop` (the shop’s own staff).',
  }),
  customer: nullable(Person, {
    description: 'Null for a conversation the shop API opened without a customer: the staff’s own.',
  }),
  seller: nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  assignee: nullable(StaffUserRef),
  product: nullable(
    Type.Object(
      { id: Type.Integer(), name: Type.String(), image_url: nullable(Type.String()) },
      { description: 'The product it is about (also for an order item).' },
    ),
  ),
  order_item: nullable(
    Type.Object({ id: Type.Integer(), order_number: Type.String(), product_name: Type.String() }),
  ),
  last_message: nullable(
    Type.Object({
      id: Type.Integer(),
      text: Type.String(),
      sender_role: Type.String({ description: '`customer`, `seller` or `staff`.' }),
      created_at: dateTime('When it was written.'),
    }),
  ),
  unread_count: Type.Integer({ description: 'The customer’s messages the staff have not read.' }),
  created_at: dateTime('When the conversation was opened.'),
  last_message_at: dateTime('When its last message was written.'),
})

export const InboxMessage = Type.Object({
  id: Type.Integer(),
  text: Type.String(),
  image_url: nullable(Type.String({ description: 'The attached image (staff session or key).' })),
  sender: Type.Object({
    id: Type.Integer({ description: 'A user’s id, or a seller’s for `seller`.' }),
    name: Type.String(),
    role: Type.String({ description: '`customer`, `seller` or `staff`.' }),
  }),
  created_at: dateTime('When it was written.'),
  is_delivered: Type.Boolean({
    description:
      'Whether the other side (the customer, or the seller or staff for a customer’s message) has received it.',
  }),
  is_read: Type.Boolean({ description: 'Whether the other side has read it.' }),
})

export const InboxNote = Type.Object({
  id: Type.Integer(),
  body: Type.String(),
  author: nullable(StaffUserRef),
  created_at: dateTime('When it was written.'),
})

export const InboxThread = Type.Object({
  ...InboxConversation.properties,
  messages: Type.Array(InboxMessage, { description: 'The newest 1000 messages, oldest first.' }),
  notes: Type.Array(InboxNote, { description: 'Internal notes, oldest first: staff only.' }),
})

const listBound = INBOX_COUNT_BOUND.toLocaleString('en')

export const InboxPage = Type.Object({
  ...CappedPage(InboxConversation, INBOX_COUNT_BOUND).properties,
  count: Type.Integer({
    description: `How many match. Counting stops past ${listBound}, or past ${INBOX_SEARCH_COUNT_BOUND} with \`search\` (or past the page asked for, if that lies further): when more match, \`count_capped\` is true.`,
  }),
  total_unread: Type.Integer({
    description: `How many live conversations have messages the staff have not read, counted up to ${listBound}.`,
  }),
  total_unread_capped: Type.Boolean({
    description: `True when more than ${listBound} have: show "${listBound}+".`,
  }),
})

export const InboxListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    Type.String({ description: '`open`, `answered`, `archived` or `deleted`. Default: all but deleted.' }),
  ),
  seller: Type.Optional(Type.String({ description: 'A seller’s id.' })),
  assignee: Type.Optional(Type.String({ description: 'A staff user’s id, or `none`.' })),
  type: Type.Optional(Type.String({ description: '`message`, `question` or `review`.' })),
  unread: Type.Optional(
    Type.String({ description: '`true` or `false`: whether staff have unread messages in it.' }),
  ),
  search: Type.Optional(
    Type.String({ description: 'Terms separated by spaces; each must occur in the subject or a message.' }),
  ),
  ordering: Type.Optional(
    Type.String({
      description: '`-last_message_at` (default, newest first) or `unread` (unread first, then newest).',
    }),
  ),
})

const staffText = (description: string) =>
  Type.String({ minLength: 1, maxLength: INBOX_TEXT_MAX, description })

export const UpdateInboxConversationBody = Type.Object({
  status: Type.Optional(Type.String({ description: '`open`, `answered` or `archived`.' })),
  assignee: Type.Optional(
    nullable(
      IdInteger({
        description: 'A staff or admin user of the company (see `/api/staff-members/`), or null.',
      }),
    ),
  ),
  archived: Type.Optional(Type.Boolean()),
})

export const DeleteInboxConversationBody = Type.Object({
  reason: staffText('Why it is deleted; kept with it.'),
})

export const StaffMessageBody = Type.Object({
  text: staffText('The reply, written as the shop’s staff.'),
})

export const NoteBody = Type.Object({ body: staffText('The note; seen by staff only.') })

/** Ids are read by the route, so that `/conversations/abc` is a 404 like any other unknown conversation. */
export const ConversationIdParams = Type.Object({ id: Type.String() })
export const ConversationMessageParams = Type.Object({ id: Type.String(), message_id: Type.String() })
