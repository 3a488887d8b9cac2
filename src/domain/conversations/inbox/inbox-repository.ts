import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { rowsOf } from '../../../db/rows.ts'
import { conversationNotes, conversations } from '../../../db/schema/index.ts'
import type { StaffUser } from '../../accounts/staff-members-repository.ts'
import { filtersOf, type InboxQuery, orderOf, staffUnread } from './inbox-filters.ts'
import { searchConversations } from './inbox-search.ts'

/** The company's conversation `id`, unless it is deleted. */
const liveConversation = (companyId: number, id: number) =>
  and(eq(conversations.companyId, companyId), eq(conversations.id, id), eq(conversations.deleted, false))

/** What staff see of a conversation beside its view: who is on it, and how much of it they have not read. */
export type InboxExtras = { assignee: StaffUser | null; unreadCount: number }

export type Note = { id: number; body: string; author: StaffUser | null; createdAt: Date }

const staffUserJson = (userId: SQL) => sql<StaffUser | null>`(select json_build_object('id', u.id,
  'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name) from users u where u.id = ${userId})`

/** Customer messages the shop's staff have not read (see conversations.staffReadSeq). */
const unreadCount = sql<number>`greatest(0, ${conversations.customerMessageCount} - ${conversations.staffReadSeq})::int`

export const inboxRepository = {
  /**
   * One page of the company's conversations' ids in the asked order, and how many match, counted up to
   * `upTo` (see countUpToOf). The matches are numbered walking an index in the page's order, so neither the
   * page nor the count reads past `upTo` of them, however many conversations the company has.
   */
  async page(db: Db, companyId: number, query: InboxQuery, upTo: number) {
    if (query.searchTerms.length > 0) {
      const ids = await searchConversations(db, companyId, query, upTo)
      return { ids: ids.slice(query.offset, query.offset + query.limit), matched: ids.length }
    }
    const [row] = rowsOf<{ ids: (number | string)[] | null; matched: number | string }>(
      await db.execute(sql`with matched as (
          select conversations.id, row_number() over (order by ${sql.join(orderOf(query), sql`, `)}) as position
          from conversations where ${filtersOf(companyId, query)}
          order by ${sql.join(orderOf(query), sql`, `)} limit ${upTo}
        )
        select array(select id from matched where position > ${query.offset} order by position
            limit ${query.limit}) as ids,
          (select count(*) from matched) as matched`),
    )
    return { ids: (row?.ids ?? []).map(Number), matched: Number(row?.matched ?? 0) }
  },

  /**
   * The staff's extras of a page's conversations, with how many of the company's live conversations have
   * messages the staff have not read, counted up to `upTo`: one statement beside the page's views.
   */
  async pageExtras(db: Db, companyId: number, ids: number[], upTo: number) {
    const unread = and(eq(conversations.companyId, companyId), eq(conversations.deleted, false), staffUnread)
    const [row] = rowsOf<{ unread: number | string; extras: ({ id: number } & InboxExtras)[] }>(
      await db.execute(sql`select
          (select count(*) from (select 1 from conversations where ${unread} limit ${upTo}) unread) as unread,
          (select coalesce(json_agg(json_build_object('id', conversations.id,
              'assignee', ${staffUserJson(sql.raw('conversations.assignee_id'))}, 'unreadCount', ${unreadCount})), '[]')
            from conversations where ${inArray(conversations.id, ids)}) as extras`),
    )
    const extras = new Map((row?.extras ?? []).map(({ id, ...extra }) => [Number(id), extra]))
    return { extras, unread: Number(row?.unread ?? 0) }
  },

  /** The staff's extras of each conversation by id. */
  async extras(db: Db, ids: number[]): Promise<Map<number, InboxExtras>> {
    if (ids.length === 0) return new Map()
    const rows = await db
      .select({
        id: conversations.id,
        assignee: staffUserJson(sql.raw('conversations.assignee_id')),
        unreadCount: sql<number>`${unreadCount}`,
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
