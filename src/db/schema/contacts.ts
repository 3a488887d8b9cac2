import { type SQL, sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { users } from './accounts.ts'
import { orders } from './catalog.ts'
import { BOUNDED_PENDING_LIST, createdAt, id, ref, timestamptz, updatedAt } from './columns.ts'
import { companies } from './tenancy.ts'

export const contactSubjects = pgTable(
  'contact_subjects',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    /** Localized text by language tag, e.g. `{"en": "Order", "tr": "Sipariş"}`. */
    texts: jsonb('texts').$type<Record<string, string>>().notNull(),
    defaultLanguage: text('default_language').notNull().default('en'),
    isOrderNeeded: boolean('is_order_needed').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('contact_subjects_company_idx').on(t.companyId, t.position)],
)

export type StoredAttachment = { key: string; filename: string; contentType: string; size: number }

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    /** `contact_us` for the storefront form, `staff` for contacts created through the staff surface. */
    source: text('source').notNull(),
    subjectId: ref('subject_id').references(() => contactSubjects.id, { onDelete: 'set null' }),
    /** The subject's text when the contact was made: a later edit of the subject does not rewrite history. */
    subject: text('subject').notNull(),
    message: text('message').notNull().default(''),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    email: text('email').notNull().default(''),
    mobileNumber: text('mobile_number').notNull().default(''),
    orderId: ref('order_id').references(() => orders.id, { onDelete: 'set null' }),
    operation: text('operation'),
    userId: ref('user_id').references(() => users.id, { onDelete: 'set null' }),
    attachment: jsonb('attachment').$type<StoredAttachment>(),
    viewed: boolean('viewed').notNull().default(false),
    viewedAt: timestamptz('viewed_at'),
    /** `open` until staff mark it `resolved`. */
    status: text('status').notNull().default('open'),
    /** The staff member working on it. */
    assigneeId: ref('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /** A contact-us form's `Idempotency-Key`, scoped to its sender, so that a retried form is stored once. */
    idempotencyKey: text('idempotency_key'),
    /** The form's fingerprint, so that the same key with another form is refused rather than answered. */
    requestHash: text('request_hash'),
    /**
     * What staff search runs over: every searchable field, separated so that a term cannot straddle two, in
     * lower case. `search_text LIKE lower(pattern)` is what ILIKE does in a UTF-8 database, without lowering
     * each candidate's text again on every search (most of a search's cost when it was).
     */
    searchText: text('search_text').generatedAlwaysAs(
      (): SQL =>
        sql`lower(${contacts.firstName} || ' ' || ${contacts.lastName} || ' ' || ${contacts.email} || ' ' || ${contacts.subject} || ' ' || ${contacts.message})`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // NULLS FIRST, as `ORDER BY created_at DESC` sorts (PostgreSQL's default): an index that sorts nulls last
    // cannot hand a page over in that order, even on a column without nulls, and every page sorted every match.
    index('contacts_company_created_idx').on(
      t.companyId,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    index('contacts_company_viewed_idx').on(
      t.companyId,
      t.viewed,
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    uniqueIndex('contacts_idempotency_key_idx')
      .on(t.companyId, t.idempotencyKey)
      .where(sql`idempotency_key is not null`),
    // Staff search is a substring match; trigrams let LIKE '%term%' find a rare term without reading every
    // contact.
    index('contacts_search_trgm_idx')
      .using('gin', sql`${t.searchText} gin_trgm_ops`)
      .with(BOUNDED_PENDING_LIST),
  ],
)
