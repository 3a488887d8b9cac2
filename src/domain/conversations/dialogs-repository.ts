import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { conversationParties, conversations, messages, products } from '../../db/schema/index.ts'
import type { Party } from '../events/party.ts'
import { selectViewsByIds } from './conversation-views.ts'
import { personalParties } from './conversations-repository.ts'
import type { ConversationView, ReadState } from './types.ts'

/**
 * Where a dialog page resumes: the last row's inbox position. The time is kept as PostgreSQL's own text, to
 * the microsecond, because a JavaScript Date would round it and skip or repeat rows.
 */
export type DialogCursor = { at: string; conversationId: number }

/** A user's dialogs: the party rows of its conversations with a seller, as a buyer or as a seller's member. */
const dialogParties = (companyId: number, userId: number) =>
  and(
    personalParties(userId),
    sql`exists (select 1 from ${conversations} where ${conversations.id} = ${conversationParties.conversationId}
      and ${conversations.companyId} = ${companyId} and not ${conversations.deleted}
      and ${conversations.sellerId} is not null)`,
  )

type PageRow = { conversation_id: number | string; at: string }

export const dialogsRepository = {
  async findProduct(db: Db, companyId: number, productId: number) {
    const [row] = await db
      .select({ id: products.id, sellerId: products.sellerId, isPublished: products.isPublished })
      .from(products)
      .where(and(eq(products.companyId, companyId), eq(products.id, productId)))
    return row
  },

  /**
   * A page of the user's dialogs, newest activity first, and where the next one starts: an index walk over
   * its party rows from the cursor on, then one view query for the page.
   */
  async page(db: Db, companyId: number, userId: number, page: { limit: number; after?: DialogCursor }) {
    const { after } = page
    const result = await db.execute(sql`
      select ${conversationParties.conversationId} as conversation_id,
        to_char(${conversationParties.lastMessageAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
      from ${conversationParties}
      where ${dialogParties(companyId, userId)}
        ${after ? sql`and (${conversationParties.lastMessageAt}, ${conversationParties.conversationId}) < (${after.at}::timestamptz, ${after.conversationId}::bigint)` : sql``}
      order by ${conversationParties.lastMessageAt} desc, ${conversationParties.conversationId} desc
      limit ${page.limit + 1}`)
    const rows = rowsOf<PageRow>(result)
    const shown = rows.slice(0, page.limit)
    const last = shown.at(-1)
    const next: DialogCursor | null =
      rows.length > page.limit && last ? { at: last.at, conversationId: Number(last.conversation_id) } : null
    const ids = shown.map((row) => Number(row.conversation_id))
    const views: ConversationView[] = await selectViewsByIds(db, ids)
    return { views, next }
  },

  /** The user's unread messages over all its dialogs: a sum of stored counts, never a scan of messages. */
  async totalUnread(db: Db, companyId: number, userId: number): Promise<number> {
    const [row] = await db
      .select({ total: sql<string>`coalesce(sum(${conversationParties.unreadCount}), 0)` })
      .from(conversationParties)
      .where(and(dialogParties(companyId, userId), sql`${conversationParties.unreadCount} > 0`))
    return Number(row?.total ?? 0)
  },

  async findState(db: Db, conversationId: number, party: Party): Promise<ReadState | undefined> {
    const [row] = await db
      .select({
        partyType: conversationParties.partyType,
        partyId: conversationParties.partyId,
        lastDeliveredMessageId: conversationParties.lastDeliveredMessageId,
        lastReadMessageId: conversationParties.lastReadMessageId,
        unreadCount: conversationParties.unreadCount,
      })
      .from(conversationParties)
      .where(
        and(
          eq(conversationParties.conversationId, conversationId),
          eq(conversationParties.partyType, party.partyType),
        ),
      )
    return row && { ...row, partyType: row.partyType as Party['partyType'] }
  },

  /** A message of the conversation, by id: its image (null when it has none); undefined when there is none. */
  async findMessage(db: Db, conversationId: number, messageId: number) {
    const [row] = await db
      .select({ id: messages.id, image: messages.image })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.id, messageId)))
    return row
  },
}
