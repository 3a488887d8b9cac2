import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { likePattern } from '../../../db/like-pattern.ts'
import { indexable, sampledTexts, shareOf } from '../../../db/sampled-texts.ts'

/**
 * Up to this share of the sampled texts, a term is gathered through its trigram index; past it, walking the
 * newest conversations finds a search's count of matches (see INBOX_SEARCH_COUNT_BOUND) in a few thousand.
 */
const GATHER_SHARE = 0.05

/*
 * A common word is in most conversations: walking the newest ones, testing each, fills the page and the
 * count at once, where the trigram index would hand over nearly every message. A rare word is in few: the
 * trigram index finds them at once, where a walk would test every conversation. PostgreSQL cannot choose
 * between the two itself (a term may match the subject or any message, and that `or` keeps it from driving a
 * join from the messages' index), so the search chooses (see sampled-texts.ts).
 */

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

/** How to find the conversations holding all the search terms (at least one). */
export async function searchOf(db: Db, searchTerms: string[]): Promise<InboxSearch> {
  const terms = [...new Set(searchTerms)]
  const patterns = terms.map(likePattern)
  const leaders = terms.filter(indexable)
  if (leaders.length === 0) return walk(patterns)
  const texts = await sampledTexts(db, ['messages.text', 'conversations.subject'])
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
