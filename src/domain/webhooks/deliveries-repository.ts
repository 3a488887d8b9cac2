import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { outbox } from '../../db/schema/index.ts'
import { composeDisabledEndpointEmail, type DisabledEndpoint } from './disabled-endpoint-email.ts'

/** A delivery a worker has claimed, with what it needs to send it. */
export type ClaimedDelivery = {
  id: number
  endpointId: number
  attempts: number
  url: string
  /** The signing secrets: the current one, and the previous one while its rotation window lasts. */
  secrets: string[]
  webhookId: string
  type: string
  payload: unknown
  eventCreatedAt: Date
}

/** What one attempt came to; `retryAt` null means the delivery is finished (succeeded, or out of attempts). */
export type AttemptOutcome = {
  deliveryId: number
  endpointId: number
  attemptedAt: Date
  succeeded: boolean
  statusCode: number | null
  latencyMs: number
  responseBody: string
  error: string | null
  retryAt: Date | null
}

export type ClaimRequest = {
  limit: number
  perEndpoint: number
  /** The cap of an endpoint whose last attempt failed (its `failing_since` is set). */
  perFailingEndpoint: number
  /** Deliveries this worker has under way, by endpoint id. */
  inFlight: ReadonlyMap<number, number>
  leaseMs: number
  now: Date
}

type ClaimRow = Omit<ClaimedDelivery, 'id' | 'endpointId' | 'secrets' | 'eventCreatedAt'> & {
  id: number | string
  endpointId: number | string
  secret: string
  previousSecret: string | null
  eventCreatedAt: Date | string
}

/** The longest a delivery blocked by an earlier one of its key is set aside between two looks. */
const DEFER_MS = 5_000

export const deliveriesRepository = {
  /**
   * Takes up to `limit` due deliveries, leasing them until `now + leaseMs` (a worker that dies leaves them to
   * another once the lease runs out), and at most `perEndpoint` to one endpoint, counting those this worker has
   * `inFlight` to it: a receiver that stalls holds its own slots, never another endpoint's. One that is failing
   * gets `perFailingEndpoint`, so that a few receivers timing out do not hold every slot between them. Each
   * enabled endpoint's due deliveries are an index range of their own, so an endpoint at its cap costs the
   * claim nothing, however long its backlog. A delivery waits while an earlier one of its ordering key to its
   * endpoint is pending, so each endpoint hears a conversation's events in order: asked of each candidate as
   * "is it its key's first pending delivery", the first entry of the key in the order index (asked as the
   * first by id, the order that index holds each key's entries in), rather than as NOT EXISTS, which the
   * planner may make an anti join; with statistics taken while few deliveries were pending (a table that
   * delivers keeps up), that join read the endpoint's whole backlog for every candidate, so the claims that
   * drain a backlog grew slower the longer it was. `now` is the worker's clock.
   */
  async claim(db: Db, request: ClaimRequest): Promise<ClaimedDelivery[]> {
    const { limit, perEndpoint, perFailingEndpoint, inFlight, leaseMs, now } = request
    const at = sql`${now.toISOString()}::timestamptz`
    const taken = JSON.stringify(Object.fromEntries(inFlight))
    const cap = sql`case when e.failing_since is null then ${perEndpoint}::int else ${perFailingEndpoint}::int end`
    const room = sql`greatest(${cap} - coalesce((${taken}::jsonb ->> e.id::text)::int, 0), 0)`
    const result = await db.execute(sql`
      with claimed as (
        update webhook_deliveries d set attempts = d.attempts + 1,
          next_attempt_at = ${at} + ${leaseMs} * interval '1 millisecond'
        where d.id in (
          select c.id from webhook_endpoints e
          cross join lateral (select c.id, c.next_attempt_at from webhook_deliveries c
            where c.endpoint_id = e.id and c.status = 'pending' and c.next_attempt_at <= ${at}
              and c.id = (select p.id from webhook_deliveries p
                where p.endpoint_id = c.endpoint_id and p.ordering_key = c.ordering_key
                  and p.status = 'pending'
                order by p.id limit 1)
            order by c.next_attempt_at, c.id
            limit ${room}
            for update of c skip locked) c
          where e.enabled
          order by c.next_attempt_at, c.id
          limit ${limit})
        returning d.id, d.endpoint_id, d.event_id, d.attempts)
      select c.id, c.endpoint_id as "endpointId", c.attempts, e.url, e.secret,
        case when e.previous_secret_expires_at > ${at} then e.previous_secret end as "previousSecret",
        ev.webhook_id as "webhookId", ev.type, ev.payload, ev.created_at as "eventCreatedAt"
      from claimed c
      join webhook_endpoints e on e.id = c.endpoint_id
      join webhook_events ev on ev.id = c.event_id
      order by c.id`)
    return rowsOf<ClaimRow>(result).map(({ secret, previousSecret, ...row }) => ({
      ...row,
      id: Number(row.id),
      endpointId: Number(row.endpointId),
      secrets: previousSecret === null ? [secret] : [secret, previousSecret],
      eventCreatedAt: new Date(row.eventCreatedAt),
    }))
  },

  /**
   * Sets aside the due deliveries that wait behind one of their key that failed and waits for its retry, until
   * that retry is due, for at most DEFER_MS. Left due, the claim would pass over them again at every claim,
   * and a receiver failing a conversation with thousands of events behind it would cost each claim a scan of
   * them all. Finishing a delivery makes the next one of its key due at once (see record); the cap bounds the
   * wait of one whose release this statement overwrote with the snapshot it read. Deliveries behind one under
   * way are left due: it is released in moments, and deferring them would cost a write each. Endpoints in
   * `skip` (at their cap in this worker, so not claimed from) are left as they are, and so are deliveries
   * another worker's statement holds: each instance runs it about once a second. Each key's followers are
   * looked up by the key, in the order index's own order (a lateral subquery, which its row lock keeps
   * apart), not joined: with statistics taken while few deliveries were pending, the join read the endpoint's
   * whole backlog for every key.
   */
  async deferBlocked(db: Db, now: Date, skip: number[]) {
    const at = sql`${now.toISOString()}::timestamptz`
    await db.execute(sql`update webhook_deliveries d set next_attempt_at = b.until
      from (select c.id, least(h.next_attempt_at, ${at} + ${DEFER_MS} * interval '1 millisecond') as until
        from (select h.endpoint_id, h.ordering_key, min(h.id) as id, min(h.next_attempt_at) as next_attempt_at
            from webhook_endpoints e
            cross join lateral (select h.id, h.endpoint_id, h.ordering_key, h.next_attempt_at
              from webhook_deliveries h
              where h.endpoint_id = e.id and h.status = 'pending' and h.next_attempt_at > ${at}
                and (h.last_status_code is not null or h.last_error is not null)) h
            where e.enabled and e.id <> all(${`{${skip.join(',')}}`}::bigint[])
            group by h.endpoint_id, h.ordering_key) h
        cross join lateral (select c.id from webhook_deliveries c
          where c.endpoint_id = h.endpoint_id and c.ordering_key = h.ordering_key
            and c.status = 'pending' and c.id > h.id and c.next_attempt_at <= ${at}
          order by c.id
          for update of c skip locked) c) b
      where d.id = b.id`)
  },

  /**
   * Records a batch of attempts in one statement: the attempts, the deliveries' new state (a finished one
   * making the next delivery of its key due, found in the order index as the claim finds a key's first), and
   * each endpoint's run of failures (begun by its first failure, ended by any success; the endpoint's row is
   * written only when that changes, so deliveries to one endpoint do not queue for its row). Then, if an
   * attempt failed, an endpoint whose run has lasted `disableAfterMs` by it is disabled, and an email to its
   * company's admins queued in the same transaction; those endpoints are returned.
   */
  async record(
    db: Db,
    outcomes: AttemptOutcome[],
    failing: { disableAfterMs: number; mailDomain: string },
  ): Promise<DisabledEndpoint[]> {
    if (outcomes.length === 0) return []
    const json = JSON.stringify(outcomes)
    const runs = sql`(select o."endpointId" as id, bool_or(o.succeeded) as succeeded,
        min(o."attemptedAt") as first_failure, max(o."attemptedAt") as last_attempt
      from o group by o."endpointId") f`
    await db.execute(sql`with o as (
        select * from jsonb_to_recordset(${json}::jsonb) as o("deliveryId" bigint, "endpointId" bigint,
          "attemptedAt" timestamptz, succeeded boolean, "statusCode" int, "latencyMs" int,
          "responseBody" text, error text, "retryAt" timestamptz)
      ), attempts as (
        insert into webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, response_body, error)
        select o."deliveryId", o."attemptedAt", o."statusCode", o."latencyMs", o."responseBody", o.error from o
      ), deliveries as (
        update webhook_deliveries d set
          status = case when o.succeeded then 'succeeded' when o."retryAt" is null then 'failed' else 'pending' end,
          next_attempt_at = coalesce(o."retryAt", d.next_attempt_at),
          finished_at = case when o.succeeded or o."retryAt" is null then o."attemptedAt" end,
          last_status_code = o."statusCode", last_error = o.error
        from o where d.id = o."deliveryId"
        returning d.id, d.endpoint_id, d.ordering_key, d.status
      ), released as (
        update webhook_deliveries n set next_attempt_at = least(n.next_attempt_at, o."attemptedAt")
        from o join deliveries f on f.id = o."deliveryId"
        cross join lateral (select p.id from webhook_deliveries p
          where p.endpoint_id = f.endpoint_id and p.ordering_key = f.ordering_key and p.status = 'pending'
            and p.id > f.id
          order by p.id limit 1) next
        where f.status <> 'pending' and n.id = next.id
      )
      update webhook_endpoints e set
        failing_since = case when f.succeeded then null else f.first_failure end
      from ${runs}
      where e.id = f.id and case when f.succeeded then e.failing_since is not null else e.failing_since is null end`)
    const failed = outcomes.filter((outcome) => !outcome.succeeded)
    if (failed.length === 0) return []
    const failedJson = JSON.stringify(
      failed.map((outcome) => ({ endpointId: outcome.endpointId, attemptedAt: outcome.attemptedAt })),
    )
    return db.transaction(async (tx) => {
      // A statement of its own, so that of two workers failing the same endpoint at once only one disables
      // it (the second finds it disabled once the first commits) and its admins are told once.
      const disabled = await tx.execute(sql`update webhook_endpoints e set enabled = false,
          disabled_reason = 'failing', updated_at = now()
        from (select f."endpointId" as id, max(f."attemptedAt") as last_attempt
          from jsonb_to_recordset(${failedJson}::jsonb) as f("endpointId" bigint, "attemptedAt" timestamptz)
          group by f."endpointId") f
        where e.id = f.id and e.enabled
          and e.failing_since <= f.last_attempt - ${failing.disableAfterMs} * interval '1 millisecond'
        returning e.id, e.company_id as "companyId", e.url, e.description, e.failing_since as "failingSince",
          (select coalesce(json_agg(u.email order by u.id), '[]') from users u
            where u.company_id = e.company_id and u.is_superuser and u.is_active) as "adminEmails"`)
      const endpoints = rowsOf<DisabledRow>(disabled).map((row) => ({
        ...row,
        id: Number(row.id),
        companyId: Number(row.companyId),
        failingSince: new Date(row.failingSince),
      }))
      for (const endpoint of endpoints) {
        if (endpoint.adminEmails.length === 0) continue
        const email = composeDisabledEndpointEmail(endpoint, failing.mailDomain)
        await tx.insert(outbox).values({ companyId: endpoint.companyId, kind: 'email', payload: email })
      }
      return endpoints
    })
  },
}

type DisabledRow = Omit<DisabledEndpoint, 'id' | 'companyId' | 'failingSince'> & {
  id: number | string
  companyId: number | string
  failingSince: Date | string
}
