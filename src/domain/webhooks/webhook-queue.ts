import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { ALL_EVENTS, type WebhookEventType } from './event-types.ts'

/*
 * How a change queues its webhooks: in its own statement or transaction, so an event is never lost and never
 * sent for a change that rolled back. The event is written only when an enabled endpoint of the company
 * wants its type (a company without webhooks pays one index probe), with one delivery per such endpoint.
 */

export const WEBHOOKS_CHANNEL = 'parley_webhooks'

/** Endpoints of `companyId` that take events of `type` (both SQL expressions). */
const subscribers = (companyId: SQL, type: SQL) =>
  sql`select e.id from webhook_endpoints e
    where e.company_id = ${companyId} and e.enabled and e.events && array[${type}, ${ALL_EVENTS}]::text[]`

export type QueuedEvent = {
  companyId: SQL
  type: WebhookEventType
  /** The event's `data` as a jsonb expression; it may name the columns of `from`. */
  data: SQL
  orderingKey: SQL
  /** The rows the expressions above read (a CTE of the change's statement, or a table), and which of them. */
  from?: SQL
  where?: SQL
}

/**
 * Two data-modifying statements, for CTEs of the statement that makes the change: `event` writes the event
 * (named `eventCte` in that statement) and `deliveries` its deliveries, returning a row each.
 */
export function queueStatements(event: QueuedEvent, eventCte: string) {
  const type = sql`${sql.raw(`'${event.type}'`)}::text`
  return {
    event: sql`insert into webhook_events (company_id, type, payload, ordering_key)
      select ${event.companyId}, ${type}, ${event.data}, ${event.orderingKey}
      ${event.from ? sql`from ${event.from}` : sql``}
      where ${event.where ? sql`${event.where} and ` : sql``}exists (${subscribers(event.companyId, type)})
      returning id, company_id, type, ordering_key`,
    deliveries: sql`insert into webhook_deliveries (company_id, endpoint_id, event_id, ordering_key)
      select ev.company_id, e.id, ev.id, ev.ordering_key
      from ${sql.raw(eventCte)} ev, lateral (${subscribers(sql`ev.company_id`, sql`ev.type`)}) e
      order by e.id
      returning 1`,
  }
}

/**
 * Queues one event in the caller's transaction; returns how many deliveries it made, so the caller wakes
 * the webhook worker once it has committed (see announceEvents).
 */
export async function queueWebhook(tx: Db, event: QueuedEvent): Promise<number> {
  const statements = queueStatements(event, 'webhook_event')
  const result = await tx.execute(sql`with webhook_event as (${statements.event}),
    webhook_deliveries_made as (${statements.deliveries})
    select count(*)::int as queued from webhook_deliveries_made`)
  return rowsOf<{ queued: number }>(result)[0]?.queued ?? 0
}
