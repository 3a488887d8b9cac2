import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { rowsOf } from '../../../src/db/rows.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

async function readyz() {
  const response = await fetch(`${parley.baseUrl}/readyz`)
  return { status: response.status, body: (await response.json()) as Record<string, string> }
}

/** Asks /readyz until its answer passes `wanted`: the instance's own view is what the test waits for. */
async function readyzUntil(wanted: (answer: Awaited<ReturnType<typeof readyz>>) => boolean) {
  // A deadline no load reaches, so a readiness that never comes fails the test instead of hanging it.
  const deadline = Date.now() + 30_000
  for (;;) {
    const answer = await readyz()
    if (wanted(answer)) return answer
    assert.ok(Date.now() < deadline, `/readyz never answered as wanted; last: ${JSON.stringify(answer)}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

test('/healthz is liveness: the process answers', async () => {
  const response = await fetch(`${parley.baseUrl}/healthz`)
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { status: 'ok' })
})

test('/readyz is 200 with every check ok', async () => {
  assert.deepEqual(await readyz(), {
    status: 200,
    body: { status: 'ok', database: 'ok', migrations: 'ok', listening: 'ok' },
  })
})

test('/readyz is 503 while the database lacks a migration this build has', async () => {
  const [last] = rowsOf<{ hash: string; created_at: string }>(
    await parley.database.db.execute(
      'delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations) returning hash, created_at',
    ),
  )
  try {
    const { status, body } = await readyz()
    assert.equal(status, 503)
    assert.equal(body.status, 'unavailable')
    assert.equal(body.migrations, '1 not applied')
    assert.equal(body.database, 'ok')
  } finally {
    await parley.database.db.execute(
      `insert into drizzle.__drizzle_migrations (hash, created_at) values ('${last?.hash}', ${last?.created_at})`,
    )
  }
  assert.equal((await readyz()).status, 200)
})

test('/readyz goes 503 when the database drops its connections and refuses new ones, and 200 once it takes them again', {
  skip: process.env.DATABASE_URL?.startsWith('postgres')
    ? false
    : 'needs PostgreSQL: PGlite has no backends to end',
}, async () => {
  const [database] = rowsOf<{ name: string }>(
    await parley.database.db.execute('select current_database() as name'),
  )
  assert.ok(database)
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  try {
    await admin.query(`alter database ${database.name} with allow_connections false`)
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
      database.name,
    ])
    const down = await readyzUntil(({ status }) => status === 503)
    assert.equal(down.body.status, 'unavailable')
    assert.match(down.body.database ?? '', /not currently accepting connections|terminating connection/)
    // The LISTEN connection was ended too: the instance says so until it listens again.
    const deaf = await readyzUntil(({ body }) => body.listening !== 'ok')
    assert.equal(deaf.status, 503)
    assert.match(deaf.body.listening ?? '', /^not listening/)
    await admin.query(`alter database ${database.name} with allow_connections true`)
    const up = await readyzUntil(({ status }) => status === 200)
    assert.deepEqual(up.body, { status: 'ok', database: 'ok', migrations: 'ok', listening: 'ok' })
  } finally {
    await admin.query(`alter database ${database.name} with allow_connections true`)
    await admin.end()
  }
})
