import type { Db } from './client.ts'

/**
 * A getter of one `T` per database handle, made by `create` on first use and dropped with the handle: for
 * what is only valid on one database (its ids, its prepared statements), a transaction's handle included.
 */
export function onePerDatabase<T>(create: () => T): (db: Db) => T {
  const values = new WeakMap<Db, T>()
  return (db) => {
    let value = values.get(db)
    if (value === undefined) {
      value = create()
      values.set(db, value)
    }
    return value
  }
}
