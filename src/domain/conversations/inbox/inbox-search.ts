import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { likePattern } from '../../../db/like-pattern.ts'
import { onePerDatabase } from '../../../db/per-database.ts'
import { rowsOf } from '../../../db/rows.ts'
import { filtersOf, holdsTerm, type InboxQuery, orderOf } from './inbox-filters.ts'

/**
 * Up to this share of the sampled texts, a term is gathered through its trigram index; past it, walking the
 * newest conversations finds a search's count of matches (see INBOX_SEARCH_COUNT_BOUND) in a few thousand.
 */
const GATHER_SHARE = 0.05

/*
 * A search lists matches newest first and counts them up to a bound, and no one plan does that for every
 * term. A common word is in most conversations: walking the newest ones, testing each, fills the page and
 * the count at once, where the trigram index would hand over nearly every message. A rare word is in few:
 * the trigram index finds them at once, where a walk would test every conversation. PostgreSQL cannot
 * choose between the two itself (a term may match the subject or any message, and that `or` keeps it from
 * driving a join from the messages' index), so the search chooses, from what PostgreSQL's statistics
 * sampled of the texts.
 */

/** How long a database's sampled texts serve before they are read again (ANALYZE renews them). */
const SAMPLE_TTL_MS = 10 * 60_000

type Sample = { readAt: number; texts: Promise<string[]> }
const samples = onePerDatabase((): { current?: Sample } => ({}))

/**
 * The message texts and subjects PostgreSQL sampled for its statistics (a hundred or so of each, the
 * sample its planner estimates ILIKE with), lower-cased. Reading them costs more than a search's walk, so
 * they are kept a while.
 */
function sampledTexts(db: Db): Promise<string[]> {
  const held = samples(db)
  if (held.current && Date.now() - held.current.readAt < SAMPLE_TTL_MS) return held.current.texts
  const texts = db
    .execute(sql`select unnest(coalesce(s.histogram_bounds::text::text[], '{}')
        || coalesce(s.most_common_vals::text::text[], '{}')) as value
      from pg_stats s
      where s.schemaname = current_schema()
        and ((s.tablename = 'messages' and s.attname = 'text')
          or (s.tablename = 'conversations' and s.attname = 'subject'))`)
    .then((result) => rowsOf<{ value: string }>(result).map((row) => row.value.toLowerCase()))
  held.current = { readAt: Date.now(), texts }
  texts.catch(() => {
    if (held.current?.texts === texts) held.current = undefined
  })
  return texts
}

/** The share of the sampled texts holding the term: 0 means rare, or not sampled yet. */
function shareOf(texts: string[], term: string) {
  const lowered = term.toLowerCase()
  return texts.length === 0 ? 0 : texts.filter((text) => text.includes(lowered)).length / texts.length
}

const idsOf = (result: unknown) => rowsOf<{ id: number | string }>(result).map((row) => Number(row.id))

const ordered = (query: InboxQuery) => sql.join(orderOf(query), sql`, `)

/** The first `upTo` matches, testing the conversations that pass the filters newest first (an index walk). */
async function walk(db: Db, companyId: number, query: InboxQuery, patterns: string[], upTo: number) {
  const where = [sql`${filtersOf(companyId, query)}`, ...patterns.map(holdsTerm)]
  return idsOf(
    await db.execute(sql`select conversations.id from conversations where ${sql.join(where, sql` and `)}
      order by ${ordered(query)} limit ${upTo}`),
  )
}

/**
 * The first `upTo` matches, found from the conversations that hold the `rare` pattern in a message or the
 * subject (both through their trigram index), the other patterns tested on those alone.
 */
async function gather(
  db: Db,
  companyId: number,
  query: InboxQuery,
  rare: string,
  others: string[],
  upTo: number,
) {
  const where: SQL[] = [
    sql`${filtersOf(companyId, query)}`,
    sql`conversations.id in (select m.conversation_id from messages m where m.text ilike ${rare}
      union select s.id from conversations s where s.subject ilike ${rare})`,
    ...others.map(holdsTerm),
  ]
  return idsOf(
    await db.execute(sql`select conversations.id from conversations where ${sql.join(where, sql` and `)}
      order by ${ordered(query)} limit ${upTo}`),
  )
}

/**
 * Whether a trigram index can find the term: pg_trgm takes its trigrams from runs of letters and digits, and
 * a pattern without one has none, so the index would hand over every row.
 */
const indexable = (term: string) => /[\p{L}\p{N}]{3}/u.test(term)

/** The ids of the first `upTo` conversations that pass the query's filters and hold all its search terms. */
export async function searchConversations(
  db: Db,
  companyId: number,
  query: InboxQuery,
  upTo: number,
): Promise<number[]> {
  const terms = [...new Set(query.searchTerms)]
  const patterns = terms.map(likePattern)
  const leaders = terms.filter(indexable)
  if (leaders.length === 0) return walk(db, companyId, query, patterns, upTo)
  const texts = await sampledTexts(db)
  // The rarest term leads; among equally rare ones, the longest, whose trigrams are likelier to be rare.
  const [rarest] = leaders
    .map((term) => ({ pattern: likePattern(term), share: shareOf(texts, term) }))
    .sort((a, b) => a.share - b.share || b.pattern.length - a.pattern.length)
  if (!rarest || rarest.share > GATHER_SHARE) return walk(db, companyId, query, patterns, upTo)
  const others = patterns.filter((pattern) => pattern !== rarest.pattern)
  return gather(db, companyId, query, rarest.pattern, others, upTo)
}
