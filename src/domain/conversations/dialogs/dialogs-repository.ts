import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import { messages, products } from '../../../db/schema/index.ts'
import type { Party } from '../../events/party.ts'
import { partiesOfUserSql, personalPartyTypeSql } from '../../policy/parties-sql.ts'
import {
  type ConversationRefs,
  nothingWanted,
  type Shown,
  show,
  shownConversation,
  wantConversation,
} from '../queries/shown-cache.ts'
import type { Side } from '../types.ts'
import type { DialogFacts } from './dialog-views.ts'

/**
 * Where a dialog page resumes: the last row's inbox position. The time is kept as PostgreSQL's own text, to
 * the microsecond, because a JavaScript Date would round it and skip or repeat rows.
 */
export type DialogCursor = { at: string; conversationId: number }

/** The party a user is in a dialog, and what posting needs to know of the dialog. */
export type DialogParty = { party: Party; type: string }

const userId = sql`${sql.placeholder('userId')}::bigint`

/** The party type the user (the `userId` placeholder) is in conversation `c`, or null. */
export const dialogPartyType = personalPartyTypeSql(userId)

/**
 * The statement behind a page of a user's dialogs. It walks the inbox index (party, last message desc) from
 * the cursor on, one party of the user at a time, and stops after a page: a page costs the same however many
 * dialogs and messages the user has. The page comes back as one JSON array holding only what a dialog shows,
 * which the driver parses natively: mapping the engine's wide view row by row in Drizzle was a large share
 * of a request's CPU.
 */

const companyId = sql`${sql.placeholder('companyId')}::bigint`

const partiesOfUser = partiesOfUserSql(userId)

/** Conversation `c` is a visible dialog: the company's, not deleted, with a seller. */
const isDialog = sql`c.company_id = ${companyId} and not c.deleted and c.seller_id is not null`

/**
 * The user's unread messages over all its dialogs: a sum of stored counts, never a scan of messages, over
 * the rows with something unread only (conversation_parties_unread_idx), so a seller with many dialogs and
 * nothing unread costs a few index pages, not a read of every dialog.
 */
const totalUnread = sql`(select coalesce(sum(cp.unread_count), 0)::int
  from ${partiesOfUser} join conversation_parties cp
    on cp.party_type = parties.party_type and cp.party_id = parties.party_id
  where cp.unread_count > 0
    and exists (select 1 from conversations c where c.id = cp.conversation_id and ${isDialog}))`

/**
 * The page's positions: each party's next rows after the cursor, merged, then cut to the page. The order
 * names the index's own NULLS LAST, or PostgreSQL would sort every row of the party instead of walking it.
 * Each row's conversation is checked by a scalar subquery, which PostgreSQL cannot turn into a join: as a
 * join it was planned as a hash of every conversation, and the walk read all of a seller's rows, not a page.
 */
const pagePositions = sql`(select p.conversation_id, p.last_message_at from ${partiesOfUser}
  cross join lateral (
    select cp.conversation_id, cp.last_message_at from conversation_parties cp
    where cp.party_type = parties.party_type and cp.party_id = parties.party_id
      and (select ${isDialog} from conversations c where c.id = cp.conversation_id)
      and (cp.last_message_at, cp.conversation_id)
        < (${sql.placeholder('afterAt')}::timestamptz, ${sql.placeholder('afterId')}::bigint)
    order by cp.last_message_at desc nulls last, cp.conversation_id desc nulls last
    limit ${sql.placeholder('rows')}::bigint
  ) p
  order by p.last_message_at desc, p.conversation_id desc
  limit ${sql.placeholder('rows')}::bigint) page`

/**
 * The page's dialogs, each one flat record of aliased columns that PostgreSQL turns into a JSON object by its
 * row type. Building the same objects with json_build_object, which writes every key as a value of its own,
 * and its times with to_char, was most of the statement's cost; a flat record costs much less. The people and product a dialog shows come as ids, found
 * in the shown cache (see createShownCache). Times come as PostgreSQL writes them in JSON, to the
 * microsecond, so the last row's `at` resumes the next page exactly.
 */
const dialogRows = sql`(select coalesce(json_agg(r order by r.at desc, r.id desc), '[]') from (
  select c.id, page.last_message_at as at, c.created_at as "createdAt", c.updated_at as "updatedAt",
    c.customer_id as "customerId", c.seller_id as "sellerId", c.item_type as "itemType", c.item_id as "itemId",
    m.id as "lastMessageId", m.side as "lastMessageSide",
    case when m.sender_seller_id is null and m.side = 'counterparty' then 0
      else coalesce(m.sender_seller_id, m.sender_user_id, 0) end as "lastMessageSenderId", m.text as "lastMessageText",
    m.image as "lastMessageImage", m.created_at as "lastMessageCreatedAt",
    cu.last_delivered_message_id as "customerDeliveredId", cu.last_read_message_id as "customerReadId",
    cu.unread_count as "customerUnreadCount",
    co.last_delivered_message_id as "counterpartyDeliveredId", co.last_read_message_id as "counterpartyReadId",
    co.unread_count as "counterpartyUnreadCount"
  from ${pagePositions}
  join conversations c on c.id = page.conversation_id
  left join messages m on m.id = c.last_message_id
  left join conversation_parties cu on cu.conversation_id = c.id and cu.party_type = 'customer'
  left join conversation_parties co on co.conversation_id = c.id and co.party_type in ('seller', 'staff')
) r)`

const dialogsPage = { totalUnread, rows: dialogRows }

/**
 * One dialog of the page as the statement writes it (see dialogRows): times as ISO text, `at` to the
 * microsecond; a last message's or party's columns are all null when the dialog has none.
 */
type DialogPageRow = ConversationRefs & {
  at: string
  createdAt: string
  updatedAt: string
  lastMessageId: number | null
  lastMessageSide: Side
  lastMessageSenderId: number
  lastMessageText: string
  lastMessageImage: StoredAttachment | null
  lastMessageCreatedAt: string
  customerDeliveredId: number
  customerReadId: number
  customerUnreadCount: number | null
  counterpartyDeliveredId: number
  counterpartyReadId: number
  counterpartyUnreadCount: number | null
}

/** A party's marks, from its columns of the row; null when the dialog has no such party. */
const marksOf = (lastDeliveredMessageId: number, lastReadMessageId: number, unreadCount: number | null) =>
  unreadCount === null ? null : { lastDeliveredMessageId, lastReadMessageId, unreadCount }

/** A dialog of the page with the people and product it shows, from `shown` (see wantConversation). */
function toDialogFacts(row: DialogPageRow, shown: Shown): DialogFacts {
  const { customer, ...others } = shownConversation(shown, row)
  // A dialog has a seller, so it has its customer (conversations_customer_or_staff_check).
  if (!customer) throw new Error(`dialog ${row.id} has no customer`)
  return {
    conversation: {
      id: row.id,
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
      customer,
      ...others,
    },
    lastMessage:
      row.lastMessageId === null
        ? null
        : {
            id: row.lastMessageId,
            conversationId: row.id,
            side: row.lastMessageSide,
            senderId: row.lastMessageSenderId,
            text: row.lastMessageText,
            image: row.lastMessageImage,
            createdAt: new Date(row.lastMessageCreatedAt),
          },
    customerState: marksOf(row.customerDeliveredId, row.customerReadId, row.customerUnreadCount),
    counterpartyState: marksOf(
      row.counterpartyDeliveredId,
      row.counterpartyReadId,
      row.counterpartyUnreadCount,
    ),
  }
}

export const dialogsRepository = {
  async findProduct(db: Db, companyId: number, productId: number) {
    const [row] = await db
      .select({ id: products.id, sellerId: products.sellerId, isPublished: products.isPublished })
      .from(products)
      .where(and(eq(products.companyId, companyId), eq(products.id, productId)))
    return row
  },

  /**
   * The party the user is in a visible dialog: its customer, else a member of its seller. Undefined for
   * anyone else, and for a conversation without a seller.
   */
  async findParty(db: Db, companyId: number, id: number, userId: number): Promise<DialogParty | undefined> {
    const query = prepared(db, 'dialog_party', (db) =>
      db
        .select({
          partyType: sql<'customer' | 'seller' | null>`${dialogPartyType}`,
          customerId: sql<number>`c.customer_id`,
          sellerId: sql<number>`c.seller_id`,
          type: sql<string>`c.type`,
        })
        .from(sql`conversations c`)
        .where(
          sql`c.id = ${sql.placeholder('id')}::bigint and c.company_id = ${sql.placeholder('companyId')}::bigint
            and not c.deleted and c.seller_id is not null`,
        )
        .prepare('dialog_party'),
    )
    const [row] = await query.execute({ companyId, id, userId })
    if (!row?.partyType) return undefined
    const party: Party =
      row.partyType === 'customer'
        ? { partyType: 'customer', partyId: Number(row.customerId) }
        : { partyType: 'seller', partyId: Number(row.sellerId) }
    return { party, type: row.type }
  },

  /**
   * A page of the user's dialogs, newest activity first, where the next one starts, and the user's unread
   * messages over all its dialogs: one statement (see dialogRows), prepared because planning its joins
   * takes longer than running them.
   */
  async page(
    db: Db,
    companyId: number,
    userId: number,
    page: { limit: number; after?: DialogCursor },
  ): Promise<{ dialogs: DialogFacts[]; next: DialogCursor | null; totalUnread: number }> {
    const query = prepared(db, 'dialogs_page', (db) =>
      db
        .select({
          totalUnread: sql<number>`${dialogsPage.totalUnread}`,
          dialogs: sql<DialogPageRow[]>`${dialogsPage.rows}`,
        })
        .from(sql`(select 1) as one`)
        .prepare('dialogs_page'),
    )
    const { after } = page
    const [result] = await query.execute({
      companyId,
      userId,
      // Without a cursor the page starts before any time there is.
      afterAt: after?.at ?? 'infinity',
      afterId: after?.conversationId ?? 0,
      rows: page.limit + 1,
    })
    const rows = result?.dialogs ?? []
    const onPage = rows.slice(0, page.limit)
    const wanted = nothingWanted()
    for (const row of onPage) wantConversation(wanted, row)
    const shown = await show(db, wanted)
    const last = onPage.at(-1)
    return {
      dialogs: onPage.map((row) => toDialogFacts(row, shown)),
      next: rows.length > page.limit && last ? { at: last.at, conversationId: last.id } : null,
      totalUnread: Number(result?.totalUnread ?? 0),
    }
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
