import type { Db } from './client.ts'
import { onePerDatabase } from './per-database.ts'

/**
 * Hot statements are built once per database handle instead of per request: building a wide Drizzle select
 * costs more CPU than answering with it. A prepared query is bound to the handle it was built on, so a
 * transaction gets its own (built on first use, dropped with it) and never runs on the pool behind its back.
 */
const statementsOf = onePerDatabase(() => new Map<string, unknown>())

/**
 * The text of every statement prepared here. A server keeps each one parsed and planned under its name; the
 * embedded PGlite, whose client sends every statement unnamed, does the same for these texts (see
 * pglite-thread.ts), and only for these, so both plan alike.
 */
export const preparedTexts = new Set<string>()

/** Notes a statement prepared under a name (see preparedTexts); an unnamed one is left as it is. */
export function named<T>(statement: T, name: string): T {
  const query = (statement as { getQuery?: () => { sql: string } }).getQuery?.()
  if (query && name !== '') preparedTexts.add(query.sql)
  return statement
}

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  const statements = statementsOf(db)
  let statement = statements.get(name) as T | undefined
  if (statement === undefined) {
    statement = named(build(db), name)
    statements.set(name, statement)
  }
  return statement
}
