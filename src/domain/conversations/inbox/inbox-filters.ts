import { and, desc, eq, isNull, not, type SQL, sql } from 'drizzle-orm'
import { conversations } from '../../../db/schema/index.ts'
import type { ConversationType } from '../types.ts'

export const INBOX_STATUSES = ['open', 'answered', 'archived', 'deleted'] as const
export type InboxStatus = (typeof INBOX_STATUSES)[number]

/** What staff filter their list of conversations by; every filter left out matches all. */
export type InboxQuery = {
  status?: InboxStatus
  sellerId?: number
  /** A staff user's id, or `none` for conversations nobody is assigned. */
  assignee?: number | 'none'
  type?: ConversationType
  unread?: boolean
  /** Every term must occur, case-insensitively, in the subject or in one of the messages. */
  searchTerms: string[]
  /** `newest`: last activity first; `unread`: conversations with unread messages first, then the same. */
  ordering: 'newest' | 'unread'
  offset: number
  limit: number
}

/*
 * Column references inside subqueries are spelled out as `<table>.<column>`: in a select from one table
 * Drizzle leaves its own columns unqualified, which inside a subquery would name the subquery's columns.
 */

/**
 * Whether the shop's staff have unread customer messages (see conversations.staffReadSeq), spelled as the
 * staff unread index spells it, so the unread-first order and filter walk that index.
 */
export const staffUnread = sql`(${conversations.customerMessageCount} > ${conversations.staffReadSeq})`

const statusCondition: Record<InboxStatus, SQL | undefined> = {
  open: and(
    eq(conversations.deleted, false),
    eq(conversations.archived, false),
    eq(conversations.isAnswered, false),
  ),
  answered: and(
    eq(conversations.deleted, false),
    eq(conversations.archived, false),
    eq(conversations.isAnswered, true),
  ),
  archived: and(eq(conversations.deleted, false), eq(conversations.archived, true)),
  deleted: eq(conversations.deleted, true),
}

/** The query's filters but its search terms. */
export function filtersOf(companyId: number, query: InboxQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [
    eq(conversations.companyId, companyId),
    query.status === undefined ? eq(conversations.deleted, false) : statusCondition[query.status],
  ]
  if (query.sellerId !== undefined) where.push(eq(conversations.sellerId, query.sellerId))
  if (query.assignee === 'none') where.push(isNull(conversations.assigneeId))
  else if (query.assignee !== undefined) where.push(eq(conversations.assigneeId, query.assignee))
  if (query.type !== undefined) where.push(eq(conversations.type, query.type))
  if (query.unread === true) where.push(staffUnread)
  if (query.unread === false) where.push(not(staffUnread))
  return and(...where)
}

/**
 * Whether the conversation holds the term (a likePattern) in its subject or in one of its messages, tested
 * on its own messages. `offset 0` keeps PostgreSQL from hashing instead every message holding the term,
 * which for a common one is most of them: the test is meant for a few thousand conversations at most.
 */
export const holdsTerm = (pattern: string) =>
  sql`(${conversations.subject} ilike ${pattern} or exists (select 1 from messages m
    where m.conversation_id = conversations.id and m.text ilike ${pattern} offset 0))`

/** The list's order; both end on the conversation's id, so a page boundary never splits a tie. */
export const orderOf = (query: InboxQuery) => [
  ...(query.ordering === 'unread' ? [desc(staffUnread)] : []),
  desc(conversations.lastMessageAt),
  desc(conversations.id),
]

/**
 * How many matches to count up to: past the bound, and past the page asked for, so that a page beyond the
 * bound still knows whether another follows it.
 */
export const countUpToOf = (query: InboxQuery, bound: number) =>
  Math.max(bound, query.offset + query.limit) + 1
