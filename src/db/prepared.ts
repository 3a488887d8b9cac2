import type { Db } from './client.ts'

/**
 * Hot statements are built once per database handle instead of per request: building a wide Drizzle select
 * cost about a third of a request's CPU. A prepared query is bound to the handle it was built on, so a
 * transaction gets its own (built on first use, dropped with it) and never runs on the pool behind its back.
 */
const cache = new WeakMap<Db, Map<string, unknown>>()

export function prepared<T>(db: Db, name: string, build: (db: Db) => T): T {
  let statements = cache.get(db)
  if (!statements) {
    statements = new Map()
    cache.set(db, statements)
  }
  let statement = statements.get(name) as T | undefined
  if (statement === undefined) {
    statement = build(db)
    statements.set(name, statement)
  }
  return statement
}
