import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/rows.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

// On PostgreSQL the server does the work; embedded, PGlite's own thread does: either way not Parley's.
let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

test('HTTP answers promptly while a long statement runs on the database', async () => {
  const statementSeconds = 1.5
  const started = performance.now()
  let finishedAt: number | undefined
  const statement = parley.db.execute(sql`select pg_sleep(${statementSeconds})`).then(() => {
    finishedAt = performance.now()
  })
  const answers: { at: number; took: number }[] = []
  while (finishedAt === undefined) {
    const asked = performance.now()
    const response = await fetch(`${parley.baseUrl}/healthz`)
    assert.equal(response.status, 200)
    await response.arrayBuffer()
    answers.push({ at: performance.now() - started, took: performance.now() - asked })
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await statement
  const during = answers.filter((answer) => answer.at < (finishedAt as number) - started)
  // A thread stopped by the statement answers nothing until it ends, then everything at once.
  assert.ok(during.length >= 5, `only ${during.length} answers during a ${statementSeconds} s statement`)
  const slowest = Math.max(...during.map((answer) => answer.took))
  assert.ok(slowest < 500, `the slowest /healthz took ${Math.round(slowest)} ms`)
})

const onServer = process.env.DATABASE_URL?.startsWith('postgres')
  ? 'a server runs other connections beside a transaction'
  : false

test('embedded, a statement outside a transaction waits for it, then sees what it committed', {
  skip: onServer,
}, async () => {
  const { db } = parley
  await db.execute(sql`create table long_statement_probe (n int)`)
  let outside: Promise<unknown> | undefined
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into long_statement_probe values (1)`)
    outside = db.execute(sql`select count(*)::int as n from long_statement_probe`)
    await tx.execute(sql`select pg_sleep(0.3)`)
  })
  assert.deepEqual(rowsOf(await outside), [{ n: 1 }])
})
