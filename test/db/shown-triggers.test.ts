import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/rows.ts'
import { shownRecordsStatement } from '../../src/domain/conversations/queries/shown-records-repository.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

const database = useTestDatabase()

/** The columns the shown-records statement reads, by table, from its own text (`from <table> <alias>`). */
function columnsRead(text: string) {
  const tables = new Map<string, string>()
  for (const [, table, alias] of text.matchAll(/\b(?:from|join)\s+(\w+)\s+(\w+)\b/gi)) {
    if (table && alias) tables.set(alias, table)
  }
  const read = new Map<string, Set<string>>()
  for (const [, alias, column] of text.matchAll(/\b(\w+)\.(\w+)\b/g)) {
    const table = alias && tables.get(alias)
    if (table && column) read.set(table, (read.get(table) ?? new Set()).add(column))
  }
  return read
}

/** The columns whose change a table's trigger function (migration 0006) announces on parley_shown. */
async function columnsWatched(table: string) {
  const result = await database().db.execute(
    sql`select prosrc from pg_proc where proname = ${`parley_${table}_shown_changed`}`,
  )
  const source = rowsOf<{ prosrc: string }>(result)[0]?.prosrc ?? ''
  const tuple = /WHERE \(([^)]*)\)\s*IS DISTINCT FROM/.exec(source)?.[1] ?? ''
  return new Set([...tuple.matchAll(/\bo\.(\w+)/g)].map(([, column]) => column))
}

test('the triggers announce a change to exactly the columns a shown record reads', async () => {
  const read = columnsRead(shownRecordsStatement(database().db))
  assert.deepEqual([...read.keys()].sort(), ['order_items', 'orders', 'products', 'sellers', 'users'])
  for (const [table, columns] of read) {
    // A row's id never changes; a deleted row is announced by the DELETE trigger.
    const shown = [...columns].filter((column) => column !== 'id').sort()
    assert.deepEqual(
      [...(await columnsWatched(table))].sort(),
      shown,
      `${table}'s trigger watches what is shown`,
    )
  }
})
