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

/**
 * Whether the conversation is not deleted, spelled as the staff indexes' predicate with no parameter in it:
 * the list's statement is prepared (see inboxRepository.list), and a plan made for any value of a parameter
 * could not use an index that holds only the rows of one.
 */
export const live = sql`not ${conversations.deleted}`

const statusCondition: Record<InboxStatus, SQL | undefined> = {
  open: and(live, sql`not ${conversations.archived}`, sql`not ${conversations.isAnswered}`),
  answered: and(live, sql`not ${conversations.archived}`, sql`${conversations.isAnswered}`),
  archived: and(live, sql`${conversations.archived}`),
  deleted: sql`${conversations.deleted}`,
}

/** What the filters of a query compare with; each a placeholder of the list's statement (see filterValues). */
const companyId = sql.placeholder('companyId')
const sellerId = sql.placeholder('sellerId')
const assigneeId = sql.placeholder('assigneeId')
const type = sql.placeholder('type')

/** The query's filters but its search terms, over the values filterValues gives. */
export function filtersOf(query: InboxQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [
    eq(conversations.companyId, companyId),
    query.status === undefined ? live : statusCondition[query.status],
  ]
  if (query.sellerId !== undefined) where.push(eq(conversations.sellerId, sellerId))
  if (query.assignee === 'none') where.push(isNull(conversations.assigneeId))
  else if (query.assignee !== undefined) where.push(eq(conversations.assigneeId, assigneeId))
  if (query.type !== undefined) where.push(eq(conversations.type, type))
  if (query.unread === true) where.push(staffUnread)
  if (query.unread === false) where.push(not(staffUnread))
  return and(...where)
}

/** The values filtersOf compares with. */
export const filterValues = (company: number, query: InboxQuery) => ({
  companyId: company,
  sellerId: query.sellerId,
  assigneeId: query.assignee === 'none' ? undefined : query.assignee,
  type: query.type,
})

const STATUS_LETTERS: Record<InboxStatus, string> = { open: 'o', answered: 'a', archived: 'v', deleted: 'd' }

/**
 * What sets filtersOf and orderOf apart from one query to another, in a few letters: the queries of one shape
 * are one statement with other values.
 */
export const shapeOf = (query: InboxQuery) =>
  [
    query.status === undefined ? 'l' : STATUS_LETTERS[query.status],
    query.sellerId === undefined ? '' : 's',
    query.assignee === undefined ? '' : query.assignee === 'none' ? 'n' : 'a',
    query.type === undefined ? '' : 't',
    query.unread === undefined ? '' : query.unread ? 'u' : 'r',
    query.ordering === 'unread' ? 'U' : 'N',
  ].join('')

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
