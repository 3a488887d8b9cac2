import { and, desc, eq, gt, inArray, isNull, lte, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { conversationNotes, conversations } from '../../../db/schema/index.ts'
import type { StaffUser } from '../../accounts/staff-members-repository.ts'
import type { ConversationType } from '../types.ts'

/** The company's conversation `id`, unless it is deleted. */
const liveConversation = (companyId: number, id: number) =>
  and(eq(conversations.companyId, companyId), eq(conversations.id, id), eq(conversations.deleted, false))

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

/** What staff see of a conversation beside its view: who is on it, and how much of it they have not read. */
export type InboxExtras = { assignee: StaffUser | null; unreadCount: number }

export type Note = { id: number; body: string; author: StaffUser | null; createdAt: Date }

/*
 * Column references inside subqueries are spelled out as `<table>.<column>`: in a select from one table
 * Drizzle leaves its own columns unqualified, which inside a subquery would name the subquery's columns.
 */

// ILIKE treats these as wildcards; a searched-for "%" or "_" means itself.
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`

/** Customer messages the shop's staff have not read, as SQL (see conversations.staffReadSeq). */
const staffUnread = sql`greatest(0, ${conversations.customerMessageCount} - ${conversations.staffReadSeq})`

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

function conditions(companyId: number, query: InboxQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [
    eq(conversations.companyId, companyId),
    query.status === undefined ? eq(conversations.deleted, false) : statusCondition[query.status],
  ]
  if (query.sellerId !== undefined) where.push(eq(conversations.sellerId, query.sellerId))
  if (query.assignee === 'none') where.push(isNull(conversations.assigneeId))
  else if (query.assignee !== undefined) where.push(eq(conversations.assigneeId, query.assignee))
  if (query.type !== undefined) where.push(eq(conversations.type, query.type))
  if (query.unread === true) where.push(gt(conversations.customerMessageCount, conversations.staffReadSeq))
  if (query.unread === false) where.push(lte(conversations.customerMessageCount, conversations.staffReadSeq))
  for (const term of query.searchTerms) {
    const pattern = likePattern(term)
    where.push(sql`(${conversations.subject} ilike ${pattern} or exists (select 1 from messages m
      where m.conversation_id = conversations.id and m.text ilike ${pattern}))`)
  }
  return and(...where)
}

const staffUserJson = (userId: SQL) => sql<StaffUser | null>`(select json_build_object('id', u.id,
  'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name) from users u where u.id = ${userId})`

export const inboxRepository = {
  /** One page of the company's conversations' ids in the asked order, with how many match. */
  async page(db: Db, companyId: number, query: InboxQuery): Promise<{ ids: number[]; total: number }> {
    const order = [
      ...(query.ordering === 'unread' ? [desc(sql`(${staffUnread} > 0)`)] : []),
      desc(conversations.lastMessageAt),
      desc(conversations.id),
    ]
    const rows = await db
      .select({ id: conversations.id, total: sql<number>`count(*) over ()` })
      .from(conversations)
      .where(conditions(companyId, query))
      .orderBy(...order)
      .limit(query.limit)
      .offset(query.offset)
    if (rows.length > 0 || query.offset === 0) {
      return { ids: rows.map((row) => row.id), total: Number(rows[0]?.total ?? 0) }
    }
    const [counted] = await db
      .select({ total: sql<number>`count(*)` })
      .from(conversations)
      .where(conditions(companyId, query))
    return { ids: [], total: Number(counted?.total ?? 0) }
  },

  /** How many of the company's live conversations have messages the staff have not read. */
  async totalUnread(db: Db, companyId: number): Promise<number> {
    const [row] = await db
      .select({ total: sql<number>`count(*)` })
      .from(conversations)
      .where(
        and(
          eq(conversations.companyId, companyId),
          eq(conversations.deleted, false),
          gt(conversations.customerMessageCount, conversations.staffReadSeq),
        ),
      )
    return Number(row?.total ?? 0)
  },

  /** The staff's extras of each conversation by id. */
  async extras(db: Db, ids: number[]): Promise<Map<number, InboxExtras>> {
    if (ids.length === 0) return new Map()
    const rows = await db
      .select({
        id: conversations.id,
        assignee: staffUserJson(sql.raw('conversations.assignee_id')),
        unreadCount: sql<number>`${staffUnread}::int`,
      })
      .from(conversations)
      .where(inArray(conversations.id, ids))
    return new Map(
      rows.map(({ id, ...extras }) => [id, { ...extras, unreadCount: Number(extras.unreadCount) }]),
    )
  },

  /** Assigns a conversation of the company (of any state); false when there is none. */
  async assign(db: Db, companyId: number, id: number, assigneeId: number | null): Promise<boolean> {
    const rows = await db
      .update(conversations)
      .set({ assigneeId, updatedAt: sql`now()` })
      .where(and(eq(conversations.companyId, companyId), eq(conversations.id, id)))
      .returning({ id: conversations.id })
    return rows.length > 0
  },

  /** Sets whether a live conversation is answered; false when there is none. */
  async setAnswered(db: Db, companyId: number, id: number, answered: boolean): Promise<boolean> {
    const rows = await db
      .update(conversations)
      .set({ isAnswered: answered, updatedAt: sql`now()` })
      .where(liveConversation(companyId, id))
      .returning({ id: conversations.id })
    return rows.length > 0
  },

  /** Marks every customer message of a live conversation read by the staff; false when there is none. */
  async markReadByStaff(db: Db, companyId: number, id: number): Promise<boolean> {
    const rows = await db
      .update(conversations)
      .set({ staffReadSeq: sql`${conversations.customerMessageCount}` })
      .where(liveConversation(companyId, id))
      .returning({ id: conversations.id })
    return rows.length > 0
  },

  async insertNote(
    db: Db,
    note: { companyId: number; conversationId: number; authorId: number; body: string },
  ) {
    const [row] = await db.insert(conversationNotes).values(note).returning({ id: conversationNotes.id })
    if (!row) throw new Error('insert returned no row')
    return row.id
  },

  /** A conversation's notes, oldest first, with their authors. */
  async notes(db: Db, conversationId: number): Promise<Note[]> {
    return db
      .select({
        id: conversationNotes.id,
        body: conversationNotes.body,
        author: staffUserJson(sql.raw('conversation_notes.author_id')),
        createdAt: conversationNotes.createdAt,
      })
      .from(conversationNotes)
      .where(eq(conversationNotes.conversationId, conversationId))
      .orderBy(conversationNotes.id)
  },
}
