import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { ALL_EVENTS, TEST_EVENT } from './event-types.ts'

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** One try of a delivery as an admin sees it. */
export type AttemptView = {
  attemptedAt: Date
  statusCode: number | null
  latencyMs: number
  responseBody: string
  error: string | null
}

/** A delivery as an admin sees it: its event, its state and every attempt. */
export type DeliveryView = {
  id: number
  endpointId: number
  webhookId: string
  eventType: string
  eventCreatedAt: Date
  status: DeliveryStatus
  attemptCount: number
  nextAttemptAt: Date | null
  lastStatusCode: number | null
  createdAt: Date
  finishedAt: Date | null
  attempts: AttemptView[]
}

type DeliveryRow = Omit<DeliveryView, 'attempts' | 'id' | 'endpointId'> & {
  id: number | string
  endpointId: number | string
  attempts: (Omit<AttemptView, 'attemptedAt'> & { attemptedAt: string })[]
}

const view = (row: DeliveryRow): DeliveryView => ({
  ...row,
  id: Number(row.id),
  endpointId: Number(row.endpointId),
  eventCreatedAt: new Date(row.eventCreatedAt),
  nextAttemptAt: row.status === 'pending' ? new Date(row.nextAttemptAt ?? 0) : null,
  createdAt: new Date(row.createdAt),
  finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
  attempts: row.attempts.map((attempt) => ({ ...attempt, attemptedAt: new Date(attempt.attemptedAt) })),
})

const columns = sql`d.id, d.endpoint_id as "endpointId", ev.webhook_id as "webhookId", ev.type as "eventType",
  ev.created_at as "eventCreatedAt", d.status, d.attempts as "attemptCount", d.next_attempt_at as "nextAttemptAt",
  d.last_status_code as "lastStatusCode", d.created_at as "createdAt", d.finished_at as "finishedAt",
  (select coalesce(json_agg(json_build_object('attemptedAt', a.attempted_at, 'statusCode', a.status_code,
      'latencyMs', a.latency_ms, 'responseBody', a.response_body, 'error', a.error) order by a.id), '[]')
    from webhook_attempts a where a.delivery_id = d.id) as attempts`

/** What admins read and do with deliveries: their log, a resend, a replay, a test event. */
export const deliveryLogRepository = {
  async page(
    db: Db,
    endpointId: number,
    status: DeliveryStatus | undefined,
    page: { offset: number; limit: number },
  ): Promise<{ deliveries: DeliveryView[]; total: number }> {
    const where = sql`d.endpoint_id = ${endpointId} ${status ? sql`and d.status = ${status}` : sql``}`
    const [rows, totals] = await Promise.all([
      db.execute(sql`select ${columns} from webhook_deliveries d join webhook_events ev on ev.id = d.event_id
        where ${where} order by d.id desc offset ${page.offset} limit ${page.limit}`),
      db.execute(sql`select count(*)::int as total from webhook_deliveries d where ${where}`),
    ])
    return {
      deliveries: rowsOf<DeliveryRow>(rows).map(view),
      total: rowsOf<{ total: number }>(totals)[0]?.total ?? 0,
    }
  },

  async find(db: Db, companyId: number, id: number): Promise<DeliveryView | undefined> {
    const result = await db.execute(sql`select ${columns}
      from webhook_deliveries d join webhook_events ev on ev.id = d.event_id
      where d.id = ${id} and d.company_id = ${companyId}`)
    const [row] = rowsOf<DeliveryRow>(result)
    return row && view(row)
  },

  /** Makes a delivery of the company due again, with a fresh schedule of attempts. False if there is none. */
  async resend(db: Db, companyId: number, id: number): Promise<boolean> {
    const result = await db.execute(sql`update webhook_deliveries set status = 'pending', attempts = 0,
        next_attempt_at = now(), finished_at = null
      where id = ${id} and company_id = ${companyId} returning id`)
    return rowsOf(result).length > 0
  },

  /**
   * A new delivery to the endpoint of every event of its company written in [since, until] that it now
   * subscribes to, oldest first, under each event's own webhook-id. Returns how many it queued.
   */
  async replay(
    db: Db,
    endpoint: { id: number; companyId: number; events: string[] },
    range: { since: Date; until: Date },
  ): Promise<number> {
    const types = `{${endpoint.events.map((type) => `"${type}"`).join(',')}}`
    const result = await db.execute(sql`insert into webhook_deliveries
        (company_id, endpoint_id, event_id, ordering_key)
      select ev.company_id, ${endpoint.id}, ev.id, ev.ordering_key from webhook_events ev
      where ev.company_id = ${endpoint.companyId} and ev.type <> ${TEST_EVENT}
        and ev.created_at >= ${range.since.toISOString()}::timestamptz
        and ev.created_at <= ${range.until.toISOString()}::timestamptz
        and (ev.type = any(${types}::text[]) or ${ALL_EVENTS} = any(${types}::text[]))
      order by ev.id
      returning 1`)
    return rowsOf(result).length
  },

  /** Queues a `webhook.test` event for this endpoint alone; returns its delivery's id. */
  async queueTest(db: Db, companyId: number, endpointId: number): Promise<number> {
    const data = {
      company_id: String(companyId),
      endpoint_id: String(endpointId),
      message: 'A test event from Parley.',
    }
    const result = await db.execute(sql`with ev as (
        insert into webhook_events (company_id, type, payload, ordering_key)
        values (${companyId}, ${TEST_EVENT}, ${JSON.stringify(data)}::jsonb, ${`test:${endpointId}`})
        returning id, ordering_key)
      insert into webhook_deliveries (company_id, endpoint_id, event_id, ordering_key)
      select ${companyId}, ${endpointId}, ev.id, ev.ordering_key from ev
      returning id`)
    const [row] = rowsOf<{ id: number | string }>(result)
    if (!row) throw new Error('the test event was not queued')
    return Number(row.id)
  },

  /** Drops events written before `cutoff`, with their deliveries and attempts. */
  async purgeBefore(db: Db, cutoff: Date) {
    await db.execute(sql`delete from webhook_events where created_at < ${cutoff.toISOString()}::timestamptz`)
  },

  /** How many deliveries wait, by any instance, and how long the oldest of them has waited. */
  async backlog(db: Db): Promise<{ pending: number; oldestSeconds: number }> {
    const result = await db.execute(sql`select count(*)::int as pending,
        coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldestSeconds"
      from webhook_deliveries where status = 'pending'`)
    return rowsOf<{ pending: number; oldestSeconds: number }>(result)[0] ?? { pending: 0, oldestSeconds: 0 }
  },
}
