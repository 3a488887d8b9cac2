import { sql } from 'drizzle-orm'
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { users } from './accounts.ts'
import { sellers } from './catalog.ts'
import { BOUNDED_PENDING_LIST, createdAt, id, ref, timestamptz, updatedAt } from './columns.ts'
import type { StoredAttachment } from './contacts.ts'
import { companies, locations } from './tenancy.ts'

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    locationId: ref('location_id').references(() => locations.id),
    /** Null for a conversation the shop's staff keep without a customer (the shop API's `customerId: null`). */
    customerId: ref('customer_id').references(() => users.id),
    /** The selling party; null for a conversation with the shop's own staff. */
    sellerId: ref('seller_id').references(() => sellers.id),
    subject: text('subject').notNull().default(''),
    /** message | question | review */
    type: text('type').notNull().default('message'),
    /** product | orderitem, with `item_id` naming the row. */
    itemType: text('item_type'),
    itemId: ref('item_id'),
    isPublic: boolean('is_public').notNull().default(false),
    isAnswered: boolean('is_answered').notNull().default(false),
    archived: boolean('archived').notNull().default(false),
    deleted: boolean('deleted').notNull().default(false),
    deletedByUserId: ref('deleted_by_user_id').references(() => users.id),
    deletedAt: timestamptz('deleted_at'),
    deletedReason: text('deleted_reason'),
    lastMessageId: ref('last_message_id'),
    lastMessageAt: timestamptz('last_message_at').notNull().defaultNow(),
    messageCount: integer('message_count').notNull().default(0),
    /** Messages per side, so a party's unread count is a subtraction, never a scan. */
    customerMessageCount: integer('customer_message_count').notNull().default(0),
    counterpartyMessageCount: integer('counterparty_message_count').notNull().default(0),
    /** The staff member working on it. */
    assigneeId: ref('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * How many of the customer's messages the shop's staff have read (their `side_seq`), whatever the
     * conversation's counterparty: its staff unread count is `customer_message_count` less this.
     */
    staffReadSeq: integer('staff_read_seq').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('conversations_company_created_idx').on(t.companyId, t.createdAt.desc(), t.id.desc()),
    index('conversations_customer_item_idx').on(t.customerId, t.itemType, t.itemId),
    // The staff inbox's two orders (newest activity first; unread by staff first, then newest), so a page and
    // a bounded count walk an index instead of sorting every conversation of the company. NULLS FIRST, as
    // `ORDER BY … DESC` sorts: an index sorting nulls last cannot hand rows over in that order.
    index('conversations_staff_activity_idx')
      .on(t.companyId, t.lastMessageAt.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql`not ${t.deleted}`),
    index('conversations_staff_unread_idx')
      .on(
        t.companyId,
        sql`(${t.customerMessageCount} > ${t.staffReadSeq}) desc nulls first`,
        t.lastMessageAt.desc().nullsFirst(),
        t.id.desc().nullsFirst(),
      )
      .where(sql`not ${t.deleted}`),
    // Staff search is a case-insensitive substring match (ILIKE '%term%'); trigrams find the rare term's
    // conversations without reading every one.
    index('conversations_subject_trgm_idx')
      .using('gin', sql`${t.subject} gin_trgm_ops`)
      .with(BOUNDED_PENDING_LIST),
    // Without a customer the staff are the only party: a seller's dialog always has its customer.
    check('conversations_customer_or_staff_check', sql`${t.customerId} is not null or ${t.sellerId} is null`),
  ],
)

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: ref('conversation_id')
      .notNull()
      .references(() => conversations.id),
    /** The person who wrote it, also when writing for a seller. */
    senderUserId: ref('sender_user_id').references(() => users.id),
    /** Set when the message was sent as the seller rather than as a person. */
    senderSellerId: ref('sender_seller_id').references(() => sellers.id),
    /** customer | counterparty (the seller or the shop's staff). */
    side: text('side').notNull(),
    /** This message's rank among its side's messages in the conversation (1, 2, …). */
    sideSeq: integer('side_seq').notNull(),
    userType: text('user_type').notNull().default('registered'),
    text: text('text').notNull().default(''),
    image: jsonb('image').$type<StoredAttachment>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_conversation_idx').on(t.conversationId, t.id),
    index('messages_conversation_side_idx').on(t.conversationId, t.side, t.id),
    // Staff search (see conversations_subject_trgm_idx): the messages holding a rare term, found by trigram.
    index('messages_text_trgm_idx').using('gin', sql`${t.text} gin_trgm_ops`).with(BOUNDED_PENDING_LIST),
  ],
)

/**
 * One row per conversation and party (the customer; the seller or the staff): the party's inbox entry
 * and its read state, so inboxes, unread counts and receipts are index reads.
 */
export const conversationParties = pgTable(
  'conversation_parties',
  {
    conversationId: ref('conversation_id')
      .notNull()
      .references(() => conversations.id),
    /** customer (party_id: user) | seller (party_id: seller) | staff (party_id: company) */
    partyType: text('party_type').notNull(),
    partyId: ref('party_id').notNull(),
    lastMessageAt: timestamptz('last_message_at').notNull().defaultNow(),
    lastDeliveredMessageId: ref('last_delivered_message_id').notNull().default(0),
    lastReadMessageId: ref('last_read_message_id').notNull().default(0),
    unreadCount: integer('unread_count').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.partyType] }),
    index('conversation_parties_inbox_idx').on(
      t.partyType,
      t.partyId,
      t.lastMessageAt.desc(),
      t.conversationId.desc(),
    ),
    // Only the rows with something unread, so a user's unread total reads those, not every dialog it has had.
    index('conversation_parties_unread_idx').on(t.partyType, t.partyId).where(sql`unread_count > 0`),
  ],
)

/** A write's first answer, replayed when a client retries it with the same `Idempotency-Key`. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
)

/** Realtime events per party, kept for a while so a reconnecting stream can replay what it missed. */
export const events = pgTable(
  'events',
  {
    id: id(),
    // No foreign key to companies, which are never deleted: its check share-locked the company's one row for
    // each event (four a message), and the row's lock, shared by every writer at once, became a multixact
    // rewritten by each of them, which slowed every append.
    companyId: ref('company_id').notNull(),
    partyType: text('party_type').notNull(),
    partyId: ref('party_id').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_party_idx').on(t.partyType, t.partyId, t.id),
    index('events_created_idx').on(t.createdAt),
  ],
)
