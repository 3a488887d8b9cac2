import { index, pgTable, text } from 'drizzle-orm/pg-core'
import { users } from './accounts.ts'
import { createdAt, id, ref } from './columns.ts'
import { contacts } from './contacts.ts'
import { conversations } from './conversations.ts'
import { outbox } from './outbox.ts'
import { companies } from './tenancy.ts'

/* What the shop's staff add to contacts and conversations in their inbox. */

/** A staff answer to a contact, sent by email through the outbox. */
export const contactReplies = pgTable(
  'contact_replies',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    contactId: ref('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    authorId: ref('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    /** The email that carries it, for its delivery state. */
    outboxId: ref('outbox_id').references(() => outbox.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('contact_replies_contact_idx').on(t.contactId, t.id)],
)

/** An internal note on a conversation: staff only, never shown to its parties nor in their events. */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    conversationId: ref('conversation_id')
      .notNull()
      .references(() => conversations.id),
    authorId: ref('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('conversation_notes_conversation_idx').on(t.conversationId, t.id)],
)
