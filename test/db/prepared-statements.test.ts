import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Db } from '../../src/db/client.ts'
import { prepared } from '../../src/db/prepared.ts'
import { rowsOf } from '../../src/db/rows.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

// A statement Parley prepares is kept parsed and planned under a name by PGlite, as a server keeps it; one
// it does not prepare is not. A named statement's failure leaves the connection as it was.
let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

/** A probe statement prepared on `on`: the app's database, or a transaction's handle. */
const echo = (on: Db = parley.db) =>
  prepared(on, 'prepared_statements_probe', (db) =>
    db
      .select({
        n: sql<number>`${sql.placeholder('n')}::bigint * 2`,
        text: sql<string>`${sql.placeholder('text')}::text`,
      })
      .from(sql`(select 1) as one`)
      .prepare('prepared_statements_probe'),
  )

/** Drizzle wraps the database's error; the database's own says what was wrong. */
const badBigint = (error: Error & { cause?: Error }) =>
  /invalid input syntax for type bigint/.test(error.cause?.message ?? error.message)

// The two drivers differ on a bigint's JavaScript type; the value is what is compared.
const valuesOf = (row: { n: number | string; text: string } | undefined) =>
  row && { n: Number(row.n), text: row.text }

const namedTexts = async () =>
  rowsOf<{ statement: string }>(
    await parley.db.execute(sql`select statement from pg_prepared_statements`),
  ).map((row) => row.statement)

// A server's pool spreads statements over connections, each with prepared statements of its own.
const onServer = process.env.DATABASE_URL?.startsWith('postgres')
  ? 'a server keeps prepared statements per pooled connection, which one query cannot list'
  : false

test('embedded, a prepared statement is named once and answers each execution with its own values', {
  skip: onServer,
}, async () => {
  for (const n of [1, 2, 3, 4, 5, 6, 7]) {
    const [row] = await echo().execute({ n, text: `it's ${n}` })
    assert.deepEqual(valuesOf(row), { n: n * 2, text: `it's ${n}` })
  }
  const probes = (await namedTexts()).filter((text) => text.includes('::bigint * 2'))
  assert.equal(probes.length, 1)
  const adHoc = 'select 40 + 2 as answer_not_prepared'
  await parley.db.execute(sql.raw(adHoc))
  assert.ok(!(await namedTexts()).some((text) => text.includes('answer_not_prepared')))
})

test('a named statement that fails leaves the connection usable, in a transaction and outside one', async () => {
  await assert.rejects(echo().execute({ n: 'not a number', text: 'x' }), badBigint)
  const [after] = await echo().execute({ n: 21, text: 'after' })
  assert.deepEqual(valuesOf(after), { n: 42, text: 'after' })

  await assert.rejects(
    parley.db.transaction(async (tx) => {
      await echo(tx).execute({ n: 'nope', text: 'x' })
    }),
    badBigint,
  )
  const [outside] = await echo().execute({ n: 5, text: 'outside' })
  assert.deepEqual(valuesOf(outside), { n: 10, text: 'outside' })
})
