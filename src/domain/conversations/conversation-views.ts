import { and, eq, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import {
  conversationParties,
  conversations,
  messages,
  orderItems,
  orders,
  products,
  sellerMembers,
  sellers,
  users,
} from '../../db/schema/index.ts'
import type { PartyType } from '../events/party.ts'
import type {
  ConversationItem,
  ConversationType,
  ConversationView,
  MessageView,
  ProductSummary,
  ReadState,
  Side,
} from './types.ts'

/**
 * The one query shape that reads conversations for display: the conversation with its customer, seller,
 * item, last message and both parties' read state, every join a primary-key lookup, so a page costs the same
 * however long its conversations' histories are.
 */
const customer = alias(users, 'customer')
const seller = alias(sellers, 'seller')
const product = alias(products, 'product')
const productSeller = alias(sellers, 'product_seller')
const lastMessage = alias(messages, 'last_message')
export const senderUser = alias(users, 'sender_user')
export const senderSeller = alias(sellers, 'sender_seller')
const customerParty = alias(conversationParties, 'customer_party')
const counterpartyParty = alias(conversationParties, 'counterparty_party')

const customerColumns = {
  id: customer.id,
  email: customer.email,
  firstName: customer.firstName,
  lastName: customer.lastName,
  phone: customer.phone,
  gender: customer.gender,
  displayName: customer.displayName,
  avatarUrl: customer.avatarUrl,
  cityId: customer.cityId,
  createdAt: customer.createdAt,
}

/** A message's author, for every query that shows messages. */
export const senderUserColumns = {
  id: senderUser.id,
  email: senderUser.email,
  firstName: senderUser.firstName,
  lastName: senderUser.lastName,
  phone: senderUser.phone,
  gender: senderUser.gender,
  displayName: senderUser.displayName,
  avatarUrl: senderUser.avatarUrl,
  cityId: senderUser.cityId,
  createdAt: senderUser.createdAt,
}

export const senderSellerColumns = { id: senderSeller.id, name: senderSeller.name }

const partyColumns = (table: typeof customerParty) => ({
  partyType: table.partyType,
  partyId: table.partyId,
  lastDeliveredMessageId: table.lastDeliveredMessageId,
  lastReadMessageId: table.lastReadMessageId,
  unreadCount: table.unreadCount,
})

const viewColumns = {
  conversation: conversations,
  customer: customerColumns,
  seller: {
    id: seller.id,
    name: seller.name,
    avatarUrl: seller.avatarUrl,
    cityId: seller.cityId,
    rating: seller.rating,
    reviewsCount: seller.reviewsCount,
    productsCount: seller.productsCount,
    createdAt: seller.createdAt,
  },
  product: {
    id: product.id,
    name: product.name,
    price: product.price,
    imageUrl: product.imageUrl,
    images: product.images,
    attributes: product.attributes,
    isPublished: product.isPublished,
    publishedAt: product.publishedAt,
    locationId: product.locationId,
  },
  productSeller: { id: productSeller.id, name: productSeller.name },
  orderItem: {
    id: orderItems.id,
    status: orderItems.status,
    quantity: orderItems.quantity,
    price: orderItems.price,
  },
  order: { id: orders.id, number: orders.number, status: orders.status },
  lastMessage: {
    id: lastMessage.id,
    conversationId: lastMessage.conversationId,
    side: lastMessage.side,
    sideSeq: lastMessage.sideSeq,
    userType: lastMessage.userType,
    text: lastMessage.text,
    image: lastMessage.image,
    createdAt: lastMessage.createdAt,
  },
  senderUser: senderUserColumns,
  senderSeller: senderSellerColumns,
  customerState: partyColumns(customerParty),
  counterpartyState: {
    partyType: counterpartyParty.partyType,
    partyId: counterpartyParty.partyId,
    lastDeliveredMessageId: counterpartyParty.lastDeliveredMessageId,
    lastReadMessageId: counterpartyParty.lastReadMessageId,
    unreadCount: counterpartyParty.unreadCount,
  },
}

/** Conversations the user takes part in: as their customer, or as a member of their seller. */
export const personalAccess = (userId: number | Placeholder): SQL | undefined =>
  or(
    eq(conversations.customerId, userId),
    sql`${conversations.sellerId} in (select ${sellerMembers.sellerId} from ${sellerMembers} where ${sellerMembers.userId} = ${userId})`,
  )

/** The view's select; `total` rides along on every row for a list that also needs its size. */
export const viewQuery = (db: Db, total: SQL = sql`null`) =>
  db
    .select({ ...viewColumns, total: sql<number | null>`${total}` })
    .from(conversations)
    .innerJoin(customer, eq(customer.id, conversations.customerId))
    .leftJoin(seller, eq(seller.id, conversations.sellerId))
    .leftJoin(
      orderItems,
      and(eq(conversations.itemType, 'orderitem'), eq(orderItems.id, conversations.itemId)),
    )
    .leftJoin(orders, eq(orders.id, orderItems.orderId))
    .leftJoin(
      product,
      eq(
        product.id,
        sql`case when ${conversations.itemType} = 'product' then ${conversations.itemId} else ${orderItems.productId} end`,
      ),
    )
    .leftJoin(productSeller, eq(productSeller.id, product.sellerId))
    .leftJoin(lastMessage, eq(lastMessage.id, conversations.lastMessageId))
    .leftJoin(senderUser, eq(senderUser.id, lastMessage.senderUserId))
    .leftJoin(senderSeller, eq(senderSeller.id, lastMessage.senderSellerId))
    .leftJoin(
      customerParty,
      and(eq(customerParty.conversationId, conversations.id), eq(customerParty.partyType, 'customer')),
    )
    .leftJoin(
      counterpartyParty,
      and(
        eq(counterpartyParty.conversationId, conversations.id),
        sql`${counterpartyParty.partyType} in ('seller', 'staff')`,
      ),
    )

type ViewRow = Awaited<ReturnType<typeof viewQuery>>[number]

/** Newest activity first, the order every list of views is shown in. */
export const byActivity = [sql`${conversations.lastMessageAt} desc`, sql`${conversations.id} desc`]

/** The views matching `where`, newest activity first. */
export async function selectViews(db: Db, where: SQL | undefined): Promise<ConversationView[]> {
  const rows = await viewQuery(db)
    .where(where)
    .orderBy(...byActivity)
  return rows.map(toView)
}

/**
 * The views of a page of known ids, newest activity first: prepared once, the ids passed as one text value
 * (an array literal both drivers send alike) so the statement's text never depends on the page's size.
 */
export async function selectViewsByIds(db: Db, ids: number[]): Promise<ConversationView[]> {
  if (ids.length === 0) return []
  const query = prepared(db, 'views_by_ids', (db) =>
    viewQuery(db)
      .where(sql`${conversations.id} = any(string_to_array(${sql.placeholder('ids')}, ',')::bigint[])`)
      .orderBy(...byActivity)
      .prepare('views_by_ids'),
  )
  const rows = await query.execute({ ids: ids.join(',') })
  return rows.map(toView)
}

export function toView(row: ViewRow): ConversationView {
  const c = row.conversation
  const productSummary: ProductSummary | null = row.product && { ...row.product, seller: row.productSeller }
  let item: ConversationItem | null = null
  if (c.itemType === 'product' && productSummary) item = { type: 'product', product: productSummary }
  if (c.itemType === 'orderitem' && row.orderItem && row.order && productSummary) {
    item = { type: 'orderitem', orderItem: row.orderItem, order: row.order, product: productSummary }
  }
  const lastMessageView: MessageView | null = row.lastMessage && {
    ...row.lastMessage,
    side: row.lastMessage.side as Side,
    senderUser: row.senderUser,
    senderSeller: row.senderSeller,
  }
  const readState = (state: typeof row.customerState): ReadState | null =>
    state && { ...state, partyType: state.partyType as PartyType }
  return {
    ...c,
    type: c.type as ConversationType,
    customer: row.customer,
    seller: row.seller,
    item,
    lastMessage: lastMessageView,
    customerState: readState(row.customerState),
    counterpartyState: readState(row.counterpartyState),
    viewerState: null,
  }
}
