import { bigint, timestamp } from 'drizzle-orm/pg-core'

// Every id is a bigint in SQL and a JS number in the app: drizzle's number mode is the one place that maps them.
export const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity()
export const ref = (name: string) => bigint(name, { mode: 'number' })
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
export const createdAt = () => timestamptz('created_at').notNull().defaultNow()
export const updatedAt = () => timestamptz('updated_at').notNull().defaultNow()

/*
 * A GIN index takes new rows into a pending list that every search through the index reads whole, until it
 * passes gin_pending_list_limit (4 MB by default) and the insert that passes it files the list into the
 * index. The staff search indexes take a row for each message and contact written, so with the default
 * their searches slowed as the list filled between flushes, and the flush held a table's writers (all of
 * the embedded database) while it filed megabytes. A small list keeps both short: docs/operations.md,
 * "Measurements". The value is in kilobytes.
 */
export const BOUNDED_PENDING_LIST = { gin_pending_list_limit: 256 }
