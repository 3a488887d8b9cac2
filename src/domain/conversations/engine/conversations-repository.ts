import { and, count, desc, eq, inArray, isNull, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import { conversationParties, conversations } from '../../../db/schema/index.ts'
import type { Party } from '../../events/party.ts'
import { partiesOf } from '../../policy/parties.ts'
import { isSellerMemberSql } from '../../policy/parties-sql.ts'
import { personalViewsRepository } from '../queries/personal-views-repository.ts'
import {
  pageBounds,
  selectViews,
  toViewWithMessages,
  viewWithMessagesQuery,
} from '../queries/views-repository.ts'
import type { ConversationType, ConversationView, ItemType, MessageView, Page } from '../types.ts'

export type NewConversation = {
  companyId: number
  locationId: number | null
  /** Null for the staff's own conversation without a customer (which has no seller either). */
  customerId: number | null
  sellerId: number | null
  subject: string
  type: ConversationType
  item: { type: ItemType; id: number } | null
  isPublic: boolean
  archived: boolean
}

/** What an access check needs to know of a conversation. */
export type ConversationAccess = {
  id: number
  customerId: number | null
  sellerId: number | null
  type: string
  /** Whether the asking user is a member of the conversation's seller. */
  isSellerMember: boolean
}

export type CompanyFilters = {
  archived?: boolean
  deleted?: boolean
  customerId?: number
  locationId?: number
}

const visible = (companyId: number | Placeholder) =>
  and(eq(conversations.companyId, companyId), eq(conversations.deleted, false))

export const conversationsRepository = {
  /** Inserts a conversation and the inbox rows of its parties. */
  async insert(db: Db, conversation: NewConversation): Promise<{ id: number; parties: Party[] }> {
    const { item, ...fields } = conversation
    const [row] = await db
      .insert(conversations)
      .values({ ...fields, itemType: item?.type ?? null, itemId: item?.id ?? null })
      .returning({ id: conversations.id, lastMessageAt: conversations.lastMessageAt })
    if (!row) throw new Error('insert returned no row')
    const parties = partiesOf(conversation)
    await db
      .insert(conversationParties)
      .values(
        parties.map((party) => ({ conversationId: row.id, ...party, lastMessageAt: row.lastMessageAt })),
      )
    return { id: row.id, parties }
  },

  /** A visible conversation of the company, with whether `userId` acts for its seller. */
  async findAccess(
    db: Db,
    companyId: number,
    id: number,
    userId: number,
  ): Promise<ConversationAccess | undefined> {
    const [row] = await db
      .select({
        id: conversations.id,
        customerId: conversations.customerId,
        sellerId: conversations.sellerId,
        type: conversations.type,
        // Spelled out: Drizzle leaves columns unqualified in a one-table select, and an unqualified
        // "seller_id" here would name seller_members' own column, making every seller's member a member.
        isSellerMember: sql<boolean>`${isSellerMemberSql(sql`conversations.seller_id`, userId)}`,
      })
      .from(conversations)
      .where(and(visible(companyId), eq(conversations.id, id)))
    return row
  },

  /** The customer's live conversation about an item with a seller, to add to rather than open another. */
  async findAboutItem(
    db: Db,
    companyId: number,
    customerId: number,
    sellerId: number | null,
    item: { type: ItemType; id: number },
  ): Promise<number | undefined> {
    const [row] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.customerId, customerId),
          eq(conversations.itemType, item.type),
          eq(conversations.itemId, item.id),
          sellerId === null ? isNull(conversations.sellerId) : eq(conversations.sellerId, sellerId),
          visible(companyId),
        ),
      )
      .orderBy(desc(conversations.id))
      .limit(1)
    return row?.id
  },

  /** One conversation as a party sees it; undefined when the user takes no part in it. */
  findPersonalView: personalViewsRepository.find,

  /** The same with a page of its messages, in one statement. */
  findPersonalViewWithMessages: personalViewsRepository.findWithMessages,

  /** One conversation of the company, with its read states. */
  async findCompanyView(db: Db, companyId: number, id: number, includeDeleted: boolean) {
    const where = includeDeleted ? eq(conversations.companyId, companyId) : visible(companyId)
    const [view] = await selectViews(db, and(where, eq(conversations.id, id)), { readStates: true })
    return view
  },

  /** One visible conversation of the company with a page of its messages, in one statement. */
  async findCompanyViewWithMessages(
    db: Db,
    company: number,
    id: number,
    page: { limit: number; beforeId?: number; afterId?: number },
  ): Promise<{ view: ConversationView; messages: MessageView[] } | undefined> {
    const { direction, values } = pageBounds(page)
    const name = `company_view_messages_${direction}`
    const query = prepared(db, name, (db) =>
      viewWithMessagesQuery(
        db,
        and(visible(sql.placeholder('companyId')), eq(conversations.id, sql.placeholder('id'))),
        direction,
      ).prepare(name),
    )
    return toViewWithMessages(db, (await query.execute({ companyId: company, id, ...values }))[0])
  },

  /** A page of the user's personal inbox, newest activity first, with its size. */
  personalInbox: personalViewsRepository.inbox,

  /** The company's conversations for its staff, newest first, with the number matching the filters. */
  async listForCompany(db: Db, companyId: number, filters: CompanyFilters, page: Page) {
    const where = companyWhere(companyId, filters)
    const ids = db
      .select({ id: conversations.id })
      .from(conversations)
      .where(where)
      .orderBy(desc(conversations.createdAt), desc(conversations.id))
      .limit(page.limit)
      .offset(page.offset)
    const [views, [total]] = await Promise.all([
      selectViews(db, inArray(conversations.id, ids), { readStates: false }),
      db.select({ total: count() }).from(conversations).where(where),
    ])
    views.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    return { views, total: Number(total?.total ?? 0) }
  },

  /** The archived conversation's parties, for its event; undefined when there is no such conversation. */
  async setArchived(db: Db, companyId: number, id: number, archived: boolean) {
    const [row] = await db
      .update(conversations)
      .set({ archived, updatedAt: sql`now()` })
      .where(and(visible(companyId), eq(conversations.id, id)))
      .returning({
        id: conversations.id,
        companyId: conversations.companyId,
        customerId: conversations.customerId,
        sellerId: conversations.sellerId,
      })
    return row
  },

  async softDelete(
    db: Db,
    companyId: number,
    id: number,
    deletion: { userId: number; reason: string | null },
  ): Promise<boolean> {
    const rows = await db
      .update(conversations)
      .set({
        deleted: true,
        deletedByUserId: deletion.userId,
        deletedReason: deletion.reason,
        deletedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(and(visible(companyId), eq(conversations.id, id)))
      .returning({ id: conversations.id })
    return rows.length > 0
  },
}

function companyWhere(companyId: number, filters: CompanyFilters): SQL | undefined {
  return and(
    eq(conversations.companyId, companyId),
    eq(conversations.deleted, filters.deleted ?? false),
    filters.archived === undefined ? undefined : eq(conversations.archived, filters.archived),
    filters.customerId === undefined ? undefined : eq(conversations.customerId, filters.customerId),
    filters.locationId === undefined ? undefined : eq(conversations.locationId, filters.locationId),
  )
}
