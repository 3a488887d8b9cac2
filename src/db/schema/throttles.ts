import { integer, pgTable, text } from 'drizzle-orm/pg-core'
import { timestamptz } from './columns.ts'

/**
 * How often a client did something throttled (log in, send a contact-us form) in its current window, kept in
 * the database so that every instance counts the same hits: N instances counting in memory allowed N times
 * the limit. `key` names the rule and the client (`login:address:<ip>`, `contact-us:user:<id>`); an account's
 * email is in it only as a hash.
 */
export const throttles = pgTable('throttles', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamptz('window_started_at').notNull().defaultNow(),
  hits: integer('hits').notNull().default(0),
})
