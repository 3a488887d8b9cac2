import { eq, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { conversations, sellerMembers } from '../../db/schema/index.ts'
import type {
  ConversationItem,
  ConversationView,
  MessageView,
  ProductSummary,
  SellerSummary,
  UserSummary,
} from './types.ts'

/*
 * The one query shape that reads conversations for display: the conversation with its customer, seller,
 * item, last message and both parties' read state, built by PostgreSQL as one JSON value per conversation.
 * Each related row is a scalar subquery on its primary key, so a page costs the same however long its
 * conversations' histories are, and a missing row is simply null. One JSON column instead of ~80 plain ones
 * spares Drizzle's per-field mapping (about 15% of a request's CPU on a page), and subqueries instead of an
 * 11-way join spare the planner its join-order search (planning took 1-2 ms, several times the execution).
 *
 * Column references are spelled out as `conversations.<column>`: in a select from one table Drizzle leaves
 * its own column references unqualified, which inside a subquery would name the subquery's columns.
 */

/** A domain type as it arrives in a JSON column: its dates are ISO 8601 strings. */
type Json<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Json<T[K]> } : T

/** The conversation as PostgreSQL builds it (see VIEW); `toView` makes it the domain's. */
type ViewJson = Json<Omit<ConversationView, 'viewerState'>>
type MessageJson = Json<MessageView>
/** A page of messages as PostgreSQL builds it (see messagesPage): each author once, beside the messages. */
type MessagesPageJson = {
  messages: (Json<Omit<MessageView, 'senderUser' | 'senderSeller'>> & {
    senderUserId: number | null
    senderSellerId: number | null
  })[]
  users: Json<UserSummary>[] | null
  sellers: { id: number; name: string }[] | null
}

/** A user's summary, from `users` under the alias `u`. */
const USER = `json_build_object('id', u.id, 'email', u.email,
  'firstName', u.first_name, 'lastName', u.last_name, 'phone', u.phone, 'gender', u.gender,
  'displayName', u.display_name, 'avatarUrl', u.avatar_url, 'cityId', u.city_id, 'createdAt', u.created_at)`

const userOf = (id: string) => `(select ${USER} from users u where u.id = ${id})`

// Numerics go out as text: a JSON number would lose their scale ("2500.00" -> 2500).
const productOf = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.name,
  'price', ${alias}.price::text, 'imageUrl', ${alias}.image_url, 'images', ${alias}.images,
  'attributes', ${alias}.attributes, 'isPublished', ${alias}.is_published, 'publishedAt', ${alias}.published_at,
  'locationId', ${alias}.location_id,
  'seller', (select json_build_object('id', ps.id, 'name', ps.name) from sellers ps where ps.id = ${alias}.seller_id))`

/** A message's own fields, from `messages` under the alias `m`, as `json_build_object` arguments. */
const MESSAGE_FIELDS = `'id', m.id, 'conversationId', m.conversation_id, 'side', m.side,
  'sideSeq', m.side_seq, 'userType', m.user_type, 'text', m.text, 'image', m.image, 'createdAt', m.created_at`

/** A message with its author, from `messages` under the alias `m`. */
const MESSAGE = `json_build_object(${MESSAGE_FIELDS},
  'senderUser', ${userOf('m.sender_user_id')},
  'senderSeller', (select json_build_object('id', ss.id, 'name', ss.name) from sellers ss where ss.id = m.sender_seller_id))`

const stateOf = (partyTypes: string) => `(select json_build_object('partyType', cp.party_type,
  'partyId', cp.party_id, 'lastDeliveredMessageId', cp.last_delivered_message_id,
  'lastReadMessageId', cp.last_read_message_id, 'unreadCount', cp.unread_count)
  from conversation_parties cp where cp.conversation_id = conversations.id and cp.party_type in (${partyTypes}))`

// An order item's conversation shows its item only when the order item, its order and its product all exist.
const VIEW = sql.raw(`json_build_object(
  'id', conversations.id, 'companyId', conversations.company_id, 'locationId', conversations.location_id,
  'subject', conversations.subject, 'type', conversations.type, 'isPublic', conversations.is_public,
  'isAnswered', conversations.is_answered, 'archived', conversations.archived, 'deleted', conversations.deleted,
  'deletedByUserId', conversations.deleted_by_user_id, 'deletedAt', conversations.deleted_at,
  'deletedReason', conversations.deleted_reason, 'messageCount', conversations.message_count,
  'customerMessageCount', conversations.customer_message_count,
  'counterpartyMessageCount', conversations.counterparty_message_count,
  'lastMessageAt', conversations.last_message_at, 'createdAt', conversations.created_at,
  'updatedAt', conversations.updated_at,
  'customer', ${userOf('conversations.customer_id')},
  'seller', (select json_build_object('id', s.id, 'name', s.name, 'avatarUrl', s.avatar_url,
    'cityId', s.city_id, 'rating', s.rating::text, 'reviewsCount', s.reviews_count,
    'productsCount', s.products_count, 'createdAt', s.created_at)
    from sellers s where s.id = conversations.seller_id),
  'item', case conversations.item_type
    when 'product' then (select json_build_object('type', 'product', 'product', ${productOf('p')})
      from products p where p.id = conversations.item_id)
    when 'orderitem' then (select json_build_object('type', 'orderitem',
        'orderItem', json_build_object('id', oi.id, 'status', oi.status, 'quantity', oi.quantity,
          'price', oi.price::text),
        'order', json_build_object('id', o.id, 'number', o.number, 'status', o.status),
        'product', ${productOf('p')})
      from order_items oi join orders o on o.id = oi.order_id join products p on p.id = oi.product_id
      where oi.id = conversations.item_id) end,
  'lastMessage', (select ${MESSAGE} from messages m where m.id = conversations.last_message_id),
  'customerState', ${stateOf(`'customer'`)},
  'counterpartyState', ${stateOf(`'seller', 'staff'`)})`)

/** Which page of a conversation's messages: the newest before `beforeId`, or the oldest after `afterId`. */
export type MessagesDirection = 'older' | 'newer'

/**
 * A page of a conversation's messages, oldest first: the newest `limit` before the placeholder `beforeId`,
 * or the oldest `limit` after `afterId`; an index range on (conversation, id), whatever the history's length.
 * Its authors come once each beside the messages, not once per message: a page has two or three of them,
 * and looking one up per message was most of the page's cost in PostgreSQL.
 */
export const messagesPage = (conversationId: SQL, direction: MessagesDirection) => {
  const range =
    direction === 'older'
      ? sql`id < ${sql.placeholder('beforeId')}::bigint order by id desc`
      : sql`id > ${sql.placeholder('afterId')}::bigint order by id`
  return sql<MessagesPageJson>`(select json_build_object(
      'messages', coalesce(json_agg(json_build_object(${sql.raw(MESSAGE_FIELDS)},
        'senderUserId', m.sender_user_id, 'senderSellerId', m.sender_seller_id) order by m.id), '[]'),
      'users', (select json_agg(${sql.raw(USER)}) from users u where u.id = any(array_agg(m.sender_user_id))),
      'sellers', (select json_agg(json_build_object('id', s.id, 'name', s.name)) from sellers s
        where s.id = any(array_agg(m.sender_seller_id))))
    from (select * from messages where conversation_id = ${conversationId} and ${range}
      limit ${sql.placeholder('limit')}::bigint) m)`
}

/** Where a page of messages starts, as `messagesPage` takes it: no `beforeId` is from the newest. */
export const pageBounds = (page: { limit: number; beforeId?: number; afterId?: number }) => ({
  direction: (page.afterId === undefined ? 'older' : 'newer') as MessagesDirection,
  values: {
    limit: page.limit,
    beforeId: page.beforeId ?? Number.MAX_SAFE_INTEGER,
    afterId: page.afterId ?? 0,
  },
})

/** Conversations the user takes part in: as their customer, or as a member of their seller. */
export const personalAccess = (userId: number | Placeholder): SQL | undefined =>
  or(
    eq(conversations.customerId, userId),
    sql`${conversations.sellerId} in (select ${sellerMembers.sellerId} from ${sellerMembers} where ${sellerMembers.userId} = ${userId})`,
  )

/** The view's select, with whatever else rides along on each conversation's row. */
export const viewQuery = <Extra extends Record<string, SQL>>(db: Db, extra: Extra = {} as Extra) =>
  db.select({ view: sql<ViewJson>`${VIEW}`, ...extra }).from(conversations)

/** The view's select with a page of the conversation's messages (see messagesPage). */
export const viewWithMessagesQuery = (db: Db, direction: MessagesDirection) =>
  viewQuery(db, { messages: messagesPage(sql.raw('conversations.id'), direction) })

/** Newest activity first, the order every list of views is shown in. */
export const byActivity = [sql`${conversations.lastMessageAt} desc`, sql`${conversations.id} desc`]

/** The views matching `where`, newest activity first. */
export async function selectViews(db: Db, where: SQL | undefined): Promise<ConversationView[]> {
  const rows = await viewQuery(db)
    .where(where)
    .orderBy(...byActivity)
  return rows.map((row) => toView(row.view))
}

const dateOf = (iso: string) => new Date(iso)

const toUser = (user: Json<UserSummary>): UserSummary => ({ ...user, createdAt: dateOf(user.createdAt) })

const toSeller = (seller: Json<SellerSummary>): SellerSummary => ({
  ...seller,
  createdAt: dateOf(seller.createdAt),
})

const toProduct = (product: Json<ProductSummary>): ProductSummary => ({
  ...product,
  publishedAt: product.publishedAt === null ? null : dateOf(product.publishedAt),
})

const toItem = (item: Json<ConversationItem>): ConversationItem =>
  item.type === 'product'
    ? { type: 'product', product: toProduct(item.product) }
    : { ...item, product: toProduct(item.product) }

const toMessage = (message: MessageJson): MessageView => ({
  ...message,
  createdAt: dateOf(message.createdAt),
  senderUser: message.senderUser && toUser(message.senderUser),
})

/** A page's messages as the domain's, each with its author from those the page brought once each. */
export function toMessages(page: MessagesPageJson): MessageView[] {
  const users = new Map(page.users?.map((user) => [user.id, toUser(user)]))
  const sellers = new Map(page.sellers?.map((seller) => [seller.id, seller]))
  return page.messages.map(({ senderUserId, senderSellerId, ...message }) => ({
    ...message,
    createdAt: dateOf(message.createdAt),
    senderUser: (senderUserId !== null && users.get(senderUserId)) || null,
    senderSeller: (senderSellerId !== null && sellers.get(senderSellerId)) || null,
  }))
}

export function toView(view: ViewJson): ConversationView {
  return {
    ...view,
    deletedAt: view.deletedAt === null ? null : dateOf(view.deletedAt),
    lastMessageAt: dateOf(view.lastMessageAt),
    createdAt: dateOf(view.createdAt),
    updatedAt: dateOf(view.updatedAt),
    customer: toUser(view.customer),
    seller: view.seller && toSeller(view.seller),
    item: view.item && toItem(view.item),
    lastMessage: view.lastMessage && toMessage(view.lastMessage),
    viewerState: null,
  }
}
