import { sql } from 'drizzle-orm'
import type { Db } from './client.ts'
import { onePerDatabase } from './per-database.ts'
import { rowsOf } from './rows.ts'

/*
 * A search that lists its matches in order and counts them up to a bound has no one plan for every term: a
 * common term's first matches come soonest from walking an index in order, a rare term's few from its trigram
 * index. PostgreSQL cannot choose between the two for a prepared statement, nor cheaply for each search, so a
 * search chooses from how common its term is among the texts PostgreSQL's statistics sampled.
 */

/** A text column whose sampled values tell how common a term is: `table.column`. */
export type SampledColumn = `${string}.${string}`

/** How long a database's sampled texts serve before they are read again (ANALYZE renews them). */
const SAMPLE_TTL_MS = 10 * 60_000

type Sample = { readAt: number; texts: Promise<string[]> }
const samples = onePerDatabase(() => new Map<string, Sample>())

/**
 * The values PostgreSQL sampled of these columns for its statistics (a hundred or so of each, the sample its
 * planner estimates LIKE with), lower-cased. Reading them costs more than a search, so they are kept a while.
 */
export function sampledTexts(db: Db, columns: SampledColumn[]): Promise<string[]> {
  const held = samples(db)
  const key = columns.join(' ')
  const current = held.get(key)
  if (current && Date.now() - current.readAt < SAMPLE_TTL_MS) return current.texts
  const texts = db
    .execute(sql`select unnest(coalesce(s.histogram_bounds::text::text[], '{}')
        || coalesce(s.most_common_vals::text::text[], '{}')) as value
      from pg_stats s
      where s.schemaname = current_schema()
        and s.tablename || '.' || s.attname = any(string_to_array(${columns.join(',')}, ','))`)
    .then((result) => rowsOf<{ value: string }>(result).map((row) => row.value.toLowerCase()))
  held.set(key, { readAt: Date.now(), texts })
  texts.catch(() => {
    if (held.get(key)?.texts === texts) held.delete(key)
  })
  return texts
}

/** The share of the sampled texts holding the term: 0 means rare, or not sampled yet. */
export function shareOf(texts: string[], term: string) {
  const lowered = term.toLowerCase()
  return texts.length === 0 ? 0 : texts.filter((text) => text.includes(lowered)).length / texts.length
}

/**
 * Whether a trigram index can find the term: pg_trgm takes its trigrams from runs of letters and digits, and
 * a pattern without one has none, so the index would hand over every row.
 */
export const indexable = (term: string) => /[\p{L}\p{N}]{3}/u.test(term)
