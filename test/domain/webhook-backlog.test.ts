import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Db } from '../../src/db/client.ts'
import { rowsOf } from '../../src/db/rows.ts'
import { deliveriesRepository } from '../../src/domain/webhooks/deliveries-repository.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

/*
 * A receiver back after an outage: its backlog is pending while the table's statistics still say what they
 * said while it kept up (nearly every delivery finished). The claims, records and deferrals that drain the
 * backlog must read about as many index entries as they take, not the whole backlog again for each.
 */

const database = useTestDatabase()
const KEYS = 100
const PER_KEY = 20
const BACKLOG = KEYS * PER_KEY
/** Queues `count` deliveries to an endpoint, over KEYS conversations in turn, with the given status. */
async function queue(db: Db, endpointId: number, count: number, status: 'pending' | 'succeeded') {
  await db.execute(sql`with events as (
      insert into webhook_events (company_id, type, payload, ordering_key)
      select e.company_id, 'message.created', '{}'::jsonb, 'conversation:' || (g % ${KEYS})
      from generate_series(1, ${count}) g, webhook_endpoints e where e.id = ${endpointId}
      returning id, company_id, ordering_key)
    insert into webhook_deliveries (company_id, endpoint_id, event_id, ordering_key, status, next_attempt_at)
    select company_id, ${endpointId}, id, ordering_key, ${status}, now() - interval '1 minute' from events
    order by id`)
}

/** Index entries the transaction read from the deliveries' indexes so far. */
async function indexEntriesRead(tx: Db) {
  const result =
    await tx.execute(sql`select coalesce(sum(pg_stat_get_xact_tuples_returned(i.indexrelid)), 0)::int
      as read from pg_index i where i.indrelid = 'webhook_deliveries'::regclass`)
  return rowsOf<{ read: number }>(result)[0]?.read ?? 0
}

const undone = new Error('rolled back')

/** Runs `work` in a transaction rolled back afterwards, so that each test starts from the same backlog. */
async function rolledBack(db: Db, work: (tx: Db) => Promise<void>) {
  await db
    .transaction(async (tx) => {
      await work(tx)
      throw undone
    })
    .catch((error) => {
      if (error !== undone) throw error
    })
}

/** The backlog's endpoint, made once for the file's tests (each of which rolls back what it does). */
let made: Promise<number> | undefined
const backlog = () => {
  made ??= queueBacklog()
  return made
}

async function queueBacklog() {
  const { db } = database()
  const created = await db.execute(sql`insert into webhook_endpoints (company_id, url, events, secret)
    select id, 'https://receiver.example/hooks', array['*'], 'whsec_test' from companies limit 1 returning id`)
  const endpointId = Number(rowsOf<{ id: number | string }>(created)[0]?.id)
  await queue(db, endpointId, BACKLOG, 'succeeded')
  await db.execute(sql`analyze webhook_deliveries`)
  await queue(db, endpointId, BACKLOG, 'pending')
  return endpointId
}

/** Claims as a worker with nothing in flight does, with the default caps. */
const claimSixteen = (tx: Db, now: Date) =>
  deliveriesRepository.claim(tx, {
    limit: 16,
    perEndpoint: 16,
    perFailingEndpoint: 4,
    inFlight: new Map(),
    leaseMs: 60_000,
    now,
  })

test('a claim from a backlog reads about what it takes, with statistics from before the backlog', async () => {
  const endpointId = await backlog()
  const { db } = database()
  await rolledBack(db, async (tx) => {
    const before = await indexEntriesRead(tx)
    const claimed = await claimSixteen(tx, new Date())
    const read = (await indexEntriesRead(tx)) - before
    assert.equal(claimed.length, 16)
    const heads = rowsOf<{ id: number | string }>(
      await tx.execute(sql`select min(id) as id from webhook_deliveries
        where endpoint_id = ${endpointId} and status = 'pending' group by ordering_key`),
    ).map((row) => Number(row.id))
    for (const delivery of claimed) assert.ok(heads.includes(delivery.id), 'the first of its conversation')
    assert.ok(read < BACKLOG / 10, `read ${read} index entries for 16 deliveries of ${BACKLOG} pending`)
  })
})

test('recording a batch from a backlog finds the next delivery of each conversation directly', async () => {
  const endpointId = await backlog()
  const { db } = database()
  await rolledBack(db, async (tx) => {
    const now = new Date()
    const claimed = await claimSixteen(tx, now)
    const before = await indexEntriesRead(tx)
    await deliveriesRepository.record(
      tx,
      claimed.map((delivery) => ({
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        attemptedAt: now,
        succeeded: true,
        statusCode: 204,
        latencyMs: 1,
        responseBody: '',
        error: null,
        retryAt: null,
      })),
      { disableAfterMs: 1_000, mailDomain: 'parley.test' },
    )
    const read = (await indexEntriesRead(tx)) - before
    const delivered = rowsOf<{ count: number }>(
      await tx.execute(sql`select count(*)::int as count from webhook_deliveries
        where endpoint_id = ${endpointId} and status = 'succeeded' and finished_at is not null`),
    )[0]?.count
    assert.equal(delivered, claimed.length)
    assert.ok(
      read < BACKLOG / 10,
      `read ${read} index entries recording ${claimed.length} of ${BACKLOG} pending`,
    )
  })
})

test('setting aside the backlog behind failed deliveries reads each conversation once', async () => {
  const endpointId = await backlog()
  const { db } = database()
  const failedKeys = 50
  const now = new Date()
  await rolledBack(db, async (tx) => {
    await tx.execute(sql`update webhook_deliveries set last_status_code = 500,
        next_attempt_at = now() + interval '1 hour'
      where id in (select min(id) from webhook_deliveries where endpoint_id = ${endpointId}
        and status = 'pending' group by ordering_key order by ordering_key limit ${failedKeys})`)
    const before = await indexEntriesRead(tx)
    await deliveriesRepository.deferBlocked(tx, now, [])
    const read = (await indexEntriesRead(tx)) - before
    const setAside = rowsOf<{ count: number }>(
      await tx.execute(sql`select count(*)::int as count from webhook_deliveries
        where endpoint_id = ${endpointId} and status = 'pending' and last_status_code is null
          and next_attempt_at > ${now.toISOString()}::timestamptz`),
    )[0]?.count
    assert.equal(setAside, failedKeys * (PER_KEY - 1), 'every follower of a failed delivery, and no other')
    assert.ok(read < 5 * BACKLOG, `read ${read} index entries for ${BACKLOG} pending`)
  })
})
