import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import { conversationNotes, conversations } from '../../../db/schema/index.ts'
import type { StaffUser } from '../../accounts/staff-members-repository.ts'
import { toViews, viewsArray } from '../queries/views-repository.ts'
import {
  filtersOf,
  filterValues,
  type InboxQuery,
  live,
  orderOf,
  shapeOf,
  staffUnread,
} from './inbox-filters.ts'
import type { InboxSearch } from './inbox-search.ts'

/** The company's conversation `id`, unless it is deleted. */
const liveConversation = (companyId: number, id: number) =>
  and(eq(conversations.companyId, companyId), eq(conversations.id, id), eq(conversations.deleted, false))

/** What staff see of a conversation beside its view: who is on it, and how much of it they have not read. */
export type InboxExtras = { assignee: StaffUser | null; unreadCount: number }

export type Note = { id: number; body: string; author: StaffUser | null; createdAt: Date }

/** The staff user of id `column` as JSON (see StaffUser); null when there is none. */
const staffUserOf = (column: string) => `(select json_build_object('id', u.id, 'email', u.email,
  'firstName', u.first_name, 'lastName', u.last_name) from users u where u.id = ${column})`

/** Customer messages the shop's staff have not read (see conversations.staffReadSeq). */
const UNREAD_COUNT = 'greatest(0, conversations.customer_message_count - conversations.staff_read_seq)::int'

/** The staff's extras of a `conversations` row, as a select list (see InboxExtras). */
const EXTRAS = `${staffUserOf('conversations.assignee_id')} as assignee, ${UNREAD_COUNT} as "unreadCount"`

/** The company's live conversations with messages the staff have not read. */
const unreadLive = and(eq(conversations.companyId, sql.placeholder('companyId')), live, staffUnread)

/**
 * A page of the company's conversations that pass the query's filters (and hold its search's terms) in the
 * asked order, each view with its staff's extras; how many match, counted up to the placeholder `upTo` (see
 * countUpToOf); and how many live conversations have messages the staff have not read, up to `unreadUpTo`.
 * One statement: the matches are numbered walking an index in the page's order, so neither the page nor the
 * count reads past `upTo` of them, however many conversations the company has; the page's views are found by
 * primary key from their ids.
 */
function listQuery(db: Db, query: InboxQuery, search: InboxSearch | undefined) {
  const order = orderOf(query)
  const matched = db.$with('matched').as(
    db
      .select({
        id: conversations.id,
        position: sql<number>`row_number() over (order by ${sql.join(order, sql`, `)})`.as('position'),
      })
      .from(conversations)
      .where(and(filtersOf(query), ...(search?.conditions ?? [])))
      .orderBy(...order)
      .limit(sql.placeholder('upTo')),
  )
  const page = sql`${conversations.id} = any(array(select id from ${matched}
    where position > ${sql.placeholder('offset')} order by position limit ${sql.placeholder('limit')}))`
  return db
    .with(matched)
    .select({
      matched: sql<number>`(select count(*)::int from ${matched})`,
      unread: sql<number>`(select count(*)::int from (select 1 from ${conversations} where ${unreadLive}
        limit ${sql.placeholder('unreadUpTo')}) unread)`,
      views: viewsArray<InboxExtras>(db, page, { order: sql.join(order, sql`, `), columns: EXTRAS }),
    })
    .from(sql`(select 1) as one`)
}

export const inboxRepository = {
  /**
   * A page of the company's conversations as listQuery finds it, prepared once for each shape of query (see
   * shapeOf) and of search.
   */
  async list(
    db: Db,
    companyId: number,
    query: InboxQuery,
    search: InboxSearch | undefined,
    bounds: { upTo: number; unreadUpTo: number },
  ) {
    const name = `staff_inbox_${shapeOf(query)}${search === undefined ? '' : `_${search.shape}`}`
    const statement = prepared(db, name, (db) => listQuery(db, query, search).prepare(name))
    const [row] = await statement.execute({
      ...filterValues(companyId, query),
      ...search?.values,
      offset: query.offset,
      limit: query.limit,
      ...bounds,
    })
    return {
      views: await toViews(db, { views: row?.views ?? null }),
      matched: row?.matched ?? 0,
      unread: row?.unread ?? 0,
    }
  },

  /** The staff's extras of each conversation by id. */
  async extras(db: Db, ids: number[]): Promise<Map<number, InboxExtras>> {
    if (ids.length === 0) return new Map()
    const rows = await db
      .select({
        id: conversations.id,
        assignee: sql<StaffUser | null>`${sql.raw(staffUserOf('conversations.assignee_id'))}`,
        unreadCount: sql<number>`${sql.raw(UNREAD_COUNT)}`,
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
        author: sql<StaffUser | null>`${sql.raw(staffUserOf('conversation_notes.author_id'))}`,
        createdAt: conversationNotes.createdAt,
      })
      .from(conversationNotes)
      .where(eq(conversationNotes.conversationId, conversationId))
      .orderBy(conversationNotes.id)
  },
}
