import { sql } from 'drizzle-orm'
import { boolean, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core'
import { createdAt, id, ref, timestamptz, updatedAt } from './columns.ts'
import { companies } from './tenancy.ts'

/** A company's receiver of signed event notifications (Standard Webhooks). */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** The event types it receives; `*` stands for every type. */
    events: text('events').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** `whsec_` and base64: the HMAC key every delivery is signed with. Never logged, shown once. */
    secret: text('secret').notNull(),
    /** The secret before the last rotation, which also signs until `previous_secret_expires_at`. */
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamptz('previous_secret_expires_at'),
    /** When the first of its current run of failed attempts was made; null while it receives. */
    failingSince: timestamptz('failing_since'),
    /** Why Parley disabled it (null when an admin did, or it is enabled). */
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhook_endpoints_company_idx').on(t.companyId, t.id)],
)

/**
 * One change a company's endpoints subscribe to, written in the change's own transaction (and only when an
 * enabled endpoint wants its type), kept so that an admin can replay a time range.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: id(),
    // No foreign key to companies, as for `events`: its check would share-lock the company's row per message.
    companyId: ref('company_id').notNull(),
    /** The `webhook-id` header: the same for every delivery of this event, the receiver's idempotency key. */
    webhookId: text('webhook_id').notNull().default(sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    /** Events of one key (`conversation:12`, `contact:7`) reach each endpoint in the order written. */
    orderingKey: text('ordering_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_events_company_created_idx').on(t.companyId, t.createdAt, t.id)],
)

/** One event on its way to one endpoint: the outbox of webhooks, claimed with SKIP LOCKED and leased. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: id(),
    companyId: ref('company_id').notNull(),
    endpointId: ref('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: ref('event_id')
      .notNull()
      .references(() => webhookEvents.id, { onDelete: 'cascade' }),
    orderingKey: text('ordering_key').notNull(),
    /** `pending` until a 2xx answer (`succeeded`) or the last scheduled attempt failed (`failed`). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [
    // The claim reads each endpoint's due deliveries in turn: one at its cap is not read at all. Its
    // predicate names `next_attempt_at` (never null) so that only a statement asking about the time can use
    // it: with statistics taken while few deliveries were pending, PostgreSQL answered the lookups of a key's
    // next delivery from this index, walking the endpoint's whole backlog for each.
    index('webhook_deliveries_due_idx')
      .on(t.endpointId, t.nextAttemptAt, t.id)
      .where(sql`status = 'pending' and next_attempt_at is not null`),
    // What the claim asks of each candidate (is it its key's first pending delivery to its endpoint?), and the
    // record of what follows a finished one.
    index('webhook_deliveries_order_idx')
      .on(t.endpointId, t.orderingKey, t.id)
      .where(sql`status = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.id),
    // Purging an old event deletes its deliveries by this foreign key, one event at a time: without an index,
    // each of those deletes read every delivery kept.
    index('webhook_deliveries_event_idx').on(t.eventId),
  ],
)

/** Each try of a delivery: what the receiver answered (its body truncated), or why nothing was sent. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: id(),
    deliveryId: ref('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: timestamptz('attempted_at').notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    responseBody: text('response_body').notNull().default(''),
    error: text('error'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
)
