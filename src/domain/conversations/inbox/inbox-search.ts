import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { likePattern } from '../../../db/like-pattern.ts'
import { onePerDatabase } from '../../../db/per-database.ts'
import { rowsOf } from '../../../db/rows.ts'

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

/**
 * Whether the conversation holds every pattern (likePatterns) of the placeholder `tested` in its subject or
 * in one of its messages, tested on its own messages: the test is meant for a few thousand conversations at
 * most. `offset 0` fences the conversation's messages off from the pattern, which PostgreSQL would otherwise
 * look up in the trigram index for each conversation (a pattern it cannot see, as one of an array, it takes
 * for a rare one), handing over every message holding a common term each time. The patterns come as one
 * array, so a search of any number of terms is one statement.
 */
const holdsEvery = sql`not exists (select 1 from unnest(${sql.placeholder('tested')}::text[]) t(pattern)
  where not (conversations.subject ilike t.pattern or exists (select 1 from (select m.text from messages m
    where m.conversation_id = conversations.id offset 0) m where m.text ilike t.pattern)))`

/**
 * Whether the conversation holds the placeholder `rare` in a message or the subject, found through their
 * trigram indexes.
 */
const holdsRare = sql`conversations.id in (select m.conversation_id from messages m
    where m.text ilike ${sql.placeholder('rare')}
  union select s.id from conversations s where s.subject ilike ${sql.placeholder('rare')})`

/**
 * How a search finds its matches among the conversations the filters pass, newest first: `walk` tests them
 * in turn (an index walk); `gather` takes those holding the rare term, the other terms tested on those alone.
 * `shape` names the conditions, the same for every search that goes the same way.
 */
export type InboxSearch = {
  shape: string
  conditions: SQL[]
  values: { rare?: string; tested: string[] }
}

const walk = (patterns: string[]): InboxSearch => ({
  shape: 'w',
  conditions: [holdsEvery],
  values: { tested: patterns },
})

function gather(rare: string, others: string[]): InboxSearch {
  return others.length === 0
    ? { shape: 'g', conditions: [holdsRare], values: { rare, tested: [] } }
    : { shape: 'gt', conditions: [holdsRare, holdsEvery], values: { rare, tested: others } }
}

/**
 * Whether a trigram index can find the term: pg_trgm takes its trigrams from runs of letters and digits, and
 * a pattern without one has none, so the index would hand over every row.
 */
const indexable = (term: string) => /[\p{L}\p{N}]{3}/u.test(term)

/** How to find the conversations holding all the search terms (at least one). */
export async function searchOf(db: Db, searchTerms: string[]): Promise<InboxSearch> {
  const terms = [...new Set(searchTerms)]
  const patterns = terms.map(likePattern)
  const leaders = terms.filter(indexable)
  if (leaders.length === 0) return walk(patterns)
  const texts = await sampledTexts(db)
  // The rarest term leads; among equally rare ones, the longest, whose trigrams are likelier to be rare.
  const [rarest] = leaders
    .map((term) => ({ pattern: likePattern(term), share: shareOf(texts, term) }))
    .sort((a, b) => a.share - b.share || b.pattern.length - a.pattern.length)
  if (!rarest || rarest.share > GATHER_SHARE) return walk(patterns)
  return gather(
    rarest.pattern,
    patterns.filter((pattern) => pattern !== rarest.pattern),
  )
}
