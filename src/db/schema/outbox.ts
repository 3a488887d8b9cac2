import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, id, ref, timestamptz } from './columns.ts'
import { contacts } from './contacts.ts'
import { companies } from './tenancy.ts'

/**
 * Side effects that leave the process, written in the transaction that caused them and
 * delivered later by a worker: nothing accepted is lost when the far side is down.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    /** The contact an email belongs to, so staff can see how its delivery went. */
    contactId: ref('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** `pending` until delivered (`sent`) or given up on (`failed`). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamptz('sent_at'),
  },
  (t) => [
    // In the claim's own order, so a claim reads its batch and stops: on `next_attempt_at` alone, each claim
    // read and sorted every due entry, and a worker behind by a few thousand emails fell further behind.
    index('outbox_due_idx').on(t.nextAttemptAt, t.id).where(sql`status = 'pending'`),
    index('outbox_contact_idx').on(t.contactId),
  ],
)
