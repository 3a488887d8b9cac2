import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { rowsOf } from '../../src/db/rows.ts'
import { analyzeGrownTables, upkeepDueTables } from '../../src/db/upkeep.ts'
import { startEmbeddedUpkeep } from '../../src/jobs/embedded-upkeep.ts'
import { createRequestGauge } from '../../src/surfaces/http/request-gauge.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

// A server runs autovacuum itself, and would race these counts; only the embedded database is kept by Parley.
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false
const skip = onPostgres ? 'a PostgreSQL server keeps its tables with autovacuum' : false

const database = useTestDatabase()

const TABLE = 'public.webhook_events'

const addEvents = (count: number) =>
  database().db.execute(sql`insert into webhook_events (company_id, type, payload, ordering_key)
    select c.id, 'message.created', '{}', 'conversation:1' from companies c, generate_series(1, ${count})`)

async function stats() {
  const result = await database().db.execute(sql`select n_live_tup::int as live, n_dead_tup::int as dead
    from pg_stat_user_tables where relname = 'webhook_events'`)
  const [row] = rowsOf<{ live: number; dead: number }>(result)
  assert.ok(row)
  return row
}

/** Statistics reach the shared counters a moment after the statement (at most a second, as on a server). */
async function until(check: (row: { live: number; dead: number }) => boolean) {
  const deadline = Date.now() + 10_000
  while (!check(await stats())) {
    assert.ok(Date.now() < deadline, `statistics never showed the change: ${JSON.stringify(await stats())}`)
    await sleep(100)
  }
}

/** How the plan PostgreSQL cached for the statement prepared as `probe` reads the table. */
async function cachedPlan() {
  const result = await database().db.execute(sql`explain execute probe(1)`)
  return rowsOf<{ 'QUERY PLAN': string }>(result)
    .map((row) => row['QUERY PLAN'])
    .join('\n')
}

test('a plan cached while a table was small is made anew once it has grown', { skip }, async () => {
  await addEvents(60)
  await until((row) => row.live >= 60)
  assert.ok((await upkeepDueTables(database().db)).analyzed.includes(TABLE))
  // The plan a foreign key check or a named statement keeps: made once, then reused until invalidated.
  await database().db.execute(sql`set plan_cache_mode = force_generic_plan`)
  await database().db.execute(sql`prepare probe(bigint) as select id from webhook_events where id = $1`)
  assert.match(await cachedPlan(), /Seq Scan/)

  await addEvents(20_000)
  await until((row) => row.live >= 20_060)
  assert.match(await cachedPlan(), /Seq Scan/, 'nothing renews the plan but new statistics')

  const { analyzed } = await upkeepDueTables(database().db)
  assert.ok(analyzed.includes(TABLE), `analyzed ${analyzed.join(', ')}`)
  assert.match(await cachedPlan(), /Index (Only )?Scan using webhook_events_pkey/)
  assert.deepEqual(
    await upkeepDueTables(database().db),
    { vacuumed: [], analyzed: [] },
    'nothing is left due',
  )
})

test("a table's dead rows are reclaimed once they pass a fifth of it", { skip }, async () => {
  const { live } = await stats()
  await database().db.execute(sql`delete from webhook_events where id % 10 <> 0`)
  await until((row) => row.dead > live * 0.2)

  const { vacuumed } = await upkeepDueTables(database().db)
  assert.ok(vacuumed.includes(TABLE), `vacuumed ${vacuumed.join(', ')}`)
  const after = await stats()
  assert.equal(after.dead, 0)
  assert.ok(Math.abs(after.live - live / 10) <= 1, `${after.live} rows left of ${live}`)
})

test('a table with few changes is left alone', { skip }, async () => {
  await upkeepDueTables(database().db)
  await database().db.execute(
    sql`delete from webhook_events where id in (select id from webhook_events limit 10)`,
  )
  await until((row) => row.dead >= 10)
  const { vacuumed, analyzed } = await upkeepDueTables(database().db)
  assert.ok(!vacuumed.includes(TABLE) && !analyzed.includes(TABLE), `${vacuumed} / ${analyzed}`)
})

test('a table that doubles is analyzed at the next look; a busy one of a steady size waits', {
  skip,
}, async () => {
  await upkeepDueTables(database().db)
  const { live } = await stats()
  await database().db.execute(
    sql`update webhook_events set type = type where id in (select id from webhook_events limit 500)`,
  )
  await until((row) => row.dead >= 500)
  assert.ok(!(await analyzeGrownTables(database().db)).includes(TABLE), 'changed, not grown')

  await doubleEvents(live)
  assert.ok((await analyzeGrownTables(database().db)).includes(TABLE), 'grown')
  assert.ok(!(await analyzeGrownTables(database().db)).includes(TABLE), 'analyzed, it is not grown again')
})

/**
 * Adds events until the table holds more than twice the `live` rows its statistics counted (and over 1,000),
 * as upkeep counts a table grown; returns that bound, once the counters show it passed.
 */
async function doubleEvents(live: number) {
  const grownPast = Math.max(2 * live, 1000)
  await addEvents(Math.max(live, 1000) + 100)
  await until((row) => row.live > grownPast)
  return grownPast
}

/** All but 100 events deleted: dead rows past autovacuum's threshold, for a full round to reclaim. */
async function deadRows() {
  await addEvents(300)
  await database().db.execute(
    sql`delete from webhook_events where id <> all(array(select id from webhook_events order by id limit 100))`,
  )
  await until((row) => row.dead > row.live * 0.2)
}

const warningsLog = () => {
  const warnings: string[] = []
  return { warnings, warn: (_: object, message: string) => warnings.push(message), error: () => undefined }
}

/**
 * The request gauge the app gives upkeep, with a request of its own being answered until `answered` is
 * called: while it is, the instance is never quiet.
 */
function gaugeAnswering() {
  const gauge = createRequestGauge()
  const response = new EventEmitter()
  gauge.count({} as FastifyRequest, { raw: response } as unknown as FastifyReply, () => {})
  return {
    quiet: (quietMs: number, maxWaitMs: number) => gauge.quiet(quietMs, maxWaitMs),
    answered: () => response.emit('close'),
  }
}

const quietInstance = async () => {}

test('the embedded instance keeps its tables by itself, and logs no failure', {
  skip,
}, async () => {
  await deadRows()
  const log = warningsLog()
  const stop = startEmbeddedUpkeep(database().db, log, { everyMs: 20, quiet: quietInstance })
  try {
    await until((row) => row.dead === 0)
  } finally {
    await stop()
  }
  assert.deepEqual(log.warnings, [])
})

test('upkeep holds the database only once requests pause, and at the latest after its longest wait', {
  skip,
}, async () => {
  await deadRows()
  const busy = gaugeAnswering()
  const waiting = startEmbeddedUpkeep(database().db, warningsLog(), {
    everyMs: 20,
    quiet: busy.quiet,
    longestWaitMs: 60_000,
  })
  try {
    // Several rounds' time, each due look waiting for a quiet moment that does not come.
    await sleep(1_500)
    assert.ok((await stats()).dead > 0, 'a busy database was vacuumed')
    busy.answered()
    await until((row) => row.dead === 0)
  } finally {
    await waiting()
  }

  await deadRows()
  const neverQuiet = gaugeAnswering()
  const stopNeverQuiet = startEmbeddedUpkeep(database().db, warningsLog(), {
    everyMs: 20,
    quiet: neverQuiet.quiet,
    longestWaitMs: 100,
  })
  try {
    await until((row) => row.dead === 0)
  } finally {
    await stopNeverQuiet()
    neverQuiet.answered()
  }
})

test('a busy instance has a grown table analyzed at the next look, without waiting for a quiet moment', {
  skip,
}, async () => {
  await upkeepDueTables(database().db)
  const grownPast = await doubleEvents((await stats()).live)
  const busy = gaugeAnswering()
  const stop = startEmbeddedUpkeep(database().db, warningsLog(), {
    everyMs: 20,
    quiet: busy.quiet,
    longestWaitMs: 60_000,
  })
  try {
    const deadline = Date.now() + 10_000
    while ((await analyzedRows()) <= grownPast) {
      assert.ok(Date.now() < deadline, 'the grown table waited for the busy instance to pause')
      await sleep(50)
    }
  } finally {
    await stop()
    busy.answered()
  }
})

/** The rows the events table's statistics count, as its last ANALYZE found them. */
async function analyzedRows() {
  const result = await database().db.execute(
    sql`select reltuples::int as rows from pg_class where oid = ${TABLE}::regclass`,
  )
  return rowsOf<{ rows: number }>(result)[0]?.rows ?? 0
}

test("stopping upkeep ends a full round's wait for a quiet moment", { skip }, async () => {
  const busy = gaugeAnswering()
  const stop = startEmbeddedUpkeep(database().db, warningsLog(), {
    everyMs: 20,
    quiet: busy.quiet,
    longestWaitMs: 60_000,
  })
  await sleep(200)
  const stopped = await Promise.race([
    stop().then(() => 'stopped'),
    sleep(5_000, 'still waiting', { ref: false }),
  ])
  busy.answered()
  assert.equal(stopped, 'stopped')
})

test("no statistics are gathered on an event's payload, which nothing filters on", async () => {
  await addEvents(20)
  await database().db.execute(sql`analyze webhook_events`)
  await database().db.execute(sql`analyze events`)
  const result = await database().db.execute(sql`select tablename || '.' || attname as name from pg_stats
    where tablename in ('events', 'webhook_events') and attname in ('payload', 'type')`)
  const gathered = rowsOf<{ name: string }>(result).map((row) => row.name)
  assert.ok(gathered.includes('webhook_events.type'), 'the table was analyzed')
  assert.deepEqual(
    gathered.filter((name) => name.endsWith('.payload')),
    [],
  )
})
