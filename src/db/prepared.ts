import type { Db } from './client.ts'
import { onePerDatabase } from './per-database.ts'

/**
 * Hot statements are built once per database handle instead of per request: building a wide Drizzle select
 * costs more CPU than answering with it. A prepared query is bound to the handle it was built on, so a
 * transaction gets its own (built on first use, dropped with it) and never runs on the pool behind its back.
 */
const statementsOf = onePerDatabase(() => new Map<string, unknown>())

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  const statements = statementsOf(db)
  let statement = statements.get(name) as T | undefined
  if (statement === undefined) {
    statement = build(db)
    statements.set(name, statement)
  }
  return statement
}
