import { eq, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.ts'
import { conversations, messages, sellerMembers } from '../../db/schema/index.ts'
import type {
  ConversationItem,
  ConversationView,
  MessageView,
  PartyStates,
  ProductSummary,
  SellerSummary,
  UserSummary,
} from './types.ts'

/*
 * The one query shape that reads conversations for display: the conversation with its customer, seller,
 * item, last message and both parties' read state, built by PostgreSQL as one JSON value per conversation.
 * Each related row is a scalar subquery or join on its primary key, so a page costs the same however long its
 * conversations' histories are, and a missing row is simply null. One JSON column instead of ~80 plain ones
 * spares Drizzle's per-field mapping (about 15% of a request's CPU on a page), and subqueries instead of an
 * 11-way join spare the planner its join-order search (planning took 1-2 ms, several times the execution).
 *
 * People are read once per page, not once per row (see viewPageQuery): a customer's inbox shows the same
 * customer on every row and two or three sellers, and looking them up per row was a third of its cost. The
 * parties' read states are read only by the views that show them (see PartyStates).
 *
 * Column references are spelled out as `conversations.<column>`: in a select from one table Drizzle leaves
 * its own column references unqualified, which inside a subquery would name the subquery's columns.
 */

/** A domain type as it arrives in a JSON column: its dates are ISO 8601 strings. */
type Json<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Json<T[K]> } : T

/** A message as PostgreSQL builds it: its authors as ids, read once each by the page it is on. */
type MessageJson = Json<Omit<MessageView, 'senderUser' | 'senderSeller'>> & {
  senderUserId: number | null
  senderSellerId: number | null
}

/** The conversation as PostgreSQL builds it (see viewJson): its people as ids, read once each by its page. */
type ViewJson = Json<Omit<ConversationView, 'customer' | 'seller' | 'lastMessage'>> & {
  customerId: number
  sellerId: number | null
  lastMessage: MessageJson | null
}

/** The people a page shows, each once. */
type PeopleJson = {
  users: Json<UserSummary>[] | null
  sellers: Json<SellerSummary>[] | null
}

/** A page of messages as PostgreSQL builds it (see messagesPage). */
type MessagesPageJson = PeopleJson & { messages: MessageJson[] }

/**
 * A page of conversations as PostgreSQL builds it (see viewPageQuery), each view with `States` when it reads
 * them, and its people unless they are read elsewhere; no views when nothing matched.
 */
type ViewPageJson<States> = Partial<PeopleJson> & { views: (ViewJson & States)[] | null }

/** What a view with `readStates` carries besides the conversation. */
type StatesOf<ReadStates extends boolean> = ReadStates extends true ? PartyStates : unknown

/**
 * A JSON object of the SQL select list `columns` (with its FROM and WHERE, if any), each field named by its
 * column's name or alias. PostgreSQL builds it from the record's row type for about two thirds of what
 * json_build_object costs, which handles each key as a value of its own: a page of 20 views ran 5-9% more
 * often a second (the vendor inbox's dialogs, records too, 30%: see dialog-pages.ts).
 */
const objectOf = (columns: string) => `(select row_to_json(obj) from (select ${columns}) obj)`

/** A user's summary, from `users` under the alias `u`. */
const USER = `u.id, u.email, u.first_name as "firstName", u.last_name as "lastName", u.phone, u.gender,
  u.display_name as "displayName", u.avatar_url as "avatarUrl", u.city_id as "cityId", u.created_at as "createdAt"`

/** A seller's summary, from `sellers` under the alias `s`. */
const SELLER = `s.id, s.name, s.avatar_url as "avatarUrl", s.city_id as "cityId", s.rating::text as rating,
  s.reviews_count as "reviewsCount", s.products_count as "productsCount", s.created_at as "createdAt"`

// Numerics go out as text: a JSON number would lose their scale ("2500.00" -> 2500).
const productOf = (alias: string) =>
  objectOf(`${alias}.id, ${alias}.name, ${alias}.price::text as price, ${alias}.image_url as "imageUrl",
  ${alias}.images, ${alias}.attributes, ${alias}.is_published as "isPublished",
  ${alias}.published_at as "publishedAt", ${alias}.location_id as "locationId",
  (select ${objectOf('ps.id, ps.name')} from sellers ps where ps.id = ${alias}.seller_id) as seller`)

/** A message's fields with its authors' ids, from `messages` under `alias`. */
const messageColumns = (alias: string) => `${alias}.id, ${alias}.conversation_id as "conversationId",
  ${alias}.side, ${alias}.side_seq as "sideSeq", ${alias}.user_type as "userType", ${alias}.text, ${alias}.image,
  ${alias}.created_at as "createdAt", ${alias}.sender_user_id as "senderUserId",
  ${alias}.sender_seller_id as "senderSellerId"`

/**
 * A JSON array of the object of `columns` for each row of `table` (under `alias`) whose id is in the SQL
 * array `ids`, once each. Each id is looked up on its own by a scalar subquery, a probe of the primary key, so
 * the cost follows the page, not the table: asked for `id = any(ids)`, PostgreSQL scanned all 500 sellers of
 * the bench's large set to find an inbox page's ten (0.15 ms of the page's 0.8).
 */
const eachOf = (table: string, alias: string, columns: string, ids: string) =>
  `(select json_agg(${objectOf(`${columns} from ${table} ${alias} where ${alias}.id = ids.id`)})
    from (select distinct id from unnest(${ids}) as id where id is not null) ids)`

/** JSON fields: each user and seller whose id is in the SQL arrays `userIds` and `sellerIds`, once. */
const people = (userIds: string, sellerIds: string) =>
  `'users', ${eachOf('users', 'u', USER, userIds)}, 'sellers', ${eachOf('sellers', 's', SELLER, sellerIds)}`

const stateOf = (partyTypes: string) => `(select ${objectOf(`cp.party_type as "partyType",
  cp.party_id as "partyId", cp.last_delivered_message_id as "lastDeliveredMessageId",
  cp.last_read_message_id as "lastReadMessageId", cp.unread_count as "unreadCount"`)}
  from conversation_parties cp where cp.conversation_id = conversations.id and cp.party_type in (${partyTypes}))`

/** The last message, joined to each conversation row under the alias `lm` (see viewPageQuery). */
const lastMessage = alias(messages, 'lm')

// An order item's conversation shows its item only when the order item, its order and its product all exist.
const VIEW_COLUMNS = `
  conversations.id, conversations.company_id as "companyId", conversations.location_id as "locationId",
  conversations.subject, conversations.type, conversations.is_public as "isPublic",
  conversations.is_answered as "isAnswered", conversations.archived, conversations.deleted,
  conversations.deleted_by_user_id as "deletedByUserId", conversations.deleted_at as "deletedAt",
  conversations.deleted_reason as "deletedReason", conversations.message_count as "messageCount",
  conversations.customer_message_count as "customerMessageCount",
  conversations.counterparty_message_count as "counterpartyMessageCount",
  conversations.last_message_at as "lastMessageAt", conversations.created_at as "createdAt",
  conversations.updated_at as "updatedAt",
  conversations.customer_id as "customerId", conversations.seller_id as "sellerId",
  case conversations.item_type
    when 'product' then (select ${objectOf(`'product'::text as type, ${productOf('p')} as product`)}
      from products p where p.id = conversations.item_id)
    when 'orderitem' then (select ${objectOf(`'orderitem'::text as type,
        ${objectOf('oi.id, oi.status, oi.quantity, oi.price::text as price')} as "orderItem",
        ${objectOf('o.id, o.number, o.status')} as "order",
        ${productOf('p')} as product`)}
      from order_items oi join orders o on o.id = oi.order_id join products p on p.id = oi.product_id
      where oi.id = conversations.item_id) end as item,
  case when lm.id is null then null else ${objectOf(messageColumns('lm'))} end as "lastMessage"`

const STATE_COLUMNS = `${stateOf(`'customer'`)} as "customerState",
  ${stateOf(`'seller', 'staff'`)} as "counterpartyState"`

/** A conversation's view as one JSON value, with its parties' read states when `readStates`. */
const viewJson = (readStates: boolean) =>
  sql.raw(objectOf(`${VIEW_COLUMNS}${readStates ? `,\n  ${STATE_COLUMNS}` : ''}`))

/** Which page of a conversation's messages: the newest before `beforeId`, or the oldest after `afterId`. */
export type MessagesDirection = 'older' | 'newer'

/** The ids of people shown beside a page's own, as SQL arrays of user and seller ids. */
type PeopleIds = { userIds: string; sellerIds: string }

/**
 * A page of a conversation's messages, oldest first: the newest `limit` before the placeholder `beforeId`,
 * or the oldest `limit` after `afterId`; an index range on (conversation, id), whatever the history's length.
 * Its authors come once each beside the messages, not once per message: a page has two or three of them,
 * and looking one up per message was most of the page's cost in PostgreSQL. `alsoShown` adds the people
 * the rest of the statement shows (its conversation's), so that they are read in the same lookup.
 */
export const messagesPage = (conversationId: SQL, direction: MessagesDirection, alsoShown?: PeopleIds) => {
  const range =
    direction === 'older'
      ? sql`id < ${sql.placeholder('beforeId')}::bigint order by id desc`
      : sql`id > ${sql.placeholder('afterId')}::bigint order by id`
  const also = (ids: string | undefined) => (ids ? ` || ${ids}` : '')
  return sql<MessagesPageJson>`(select json_build_object(
      'messages', coalesce(json_agg(m order by m.id), '[]'),
      ${sql.raw(
        people(
          `array_agg(m."senderUserId")${also(alsoShown?.userIds)}`,
          `array_agg(m."senderSellerId")${also(alsoShown?.sellerIds)}`,
        ),
      )})
    from (select ${sql.raw(messageColumns('messages'))} from messages
      where conversation_id = ${conversationId} and ${range} limit ${sql.placeholder('limit')}::bigint) m)`
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

/** Newest activity first, the order every list of views is shown in. */
const BY_ACTIVITY = 'conversations.last_message_at desc, conversations.id desc'

/**
 * The views of the conversations `where` selects, newest activity first, as one page with the people they
 * show read once each, and with the first row's value of each `extra` (the same on every row, or the only
 * row's). Each row names its customer, seller and last message's authors; the page reads them in one go,
 * unless `peopleElsewhere`: an `extra` reads them (see viewWithMessagesQuery).
 */
export const viewPageQuery = <
  ReadStates extends boolean,
  Extra extends Record<string, SQL> = Record<never, SQL>,
>(
  db: Db,
  where: SQL | undefined,
  options: { readStates: ReadStates; extra?: Extra; peopleElsewhere?: boolean },
) => {
  const extra = options.extra ?? ({} as Extra)
  // Each row's people, as ids for the page to read in one go; nothing when an `extra` reads them instead.
  const peopleIds: Record<string, SQL.Aliased<number>> = options.peopleElsewhere
    ? {}
    : {
        customerId: sql<number>`conversations.customer_id`.as('customer_id'),
        sellerId: sql<number>`conversations.seller_id`.as('seller_id'),
        senderUserId: sql<number>`lm.sender_user_id`.as('sender_user_id'),
        senderSellerId: sql<number>`lm.sender_seller_id`.as('sender_seller_id'),
      }
  const pagePeople = options.peopleElsewhere
    ? ''
    : `, ${people('array_agg(v.customer_id) || array_agg(v.sender_user_id)', 'array_agg(v.seller_id) || array_agg(v.sender_seller_id)')}`
  const rows = db
    .select({
      view: sql`${viewJson(options.readStates)}`.as('view'),
      rank: sql<number>`row_number() over (order by ${sql.raw(BY_ACTIVITY)})`.as('rank'),
      ...peopleIds,
      ...Object.fromEntries(Object.entries(extra).map(([name, value]) => [name, value.as(name)])),
    })
    .from(conversations)
    .leftJoin(lastMessage, eq(lastMessage.id, conversations.lastMessageId))
    .where(where)
    .as('v')
  const firstOf = Object.fromEntries(
    Object.keys(extra).map((name) => [
      name,
      sql`(array_agg(${sql.identifier('v')}.${sql.identifier(name)}))[1]`,
    ]),
  ) as { [K in keyof Extra]: SQL<(Extra[K] extends SQL<infer T> ? T : never) | null> }
  return db
    .select({
      page: sql<
        ViewPageJson<StatesOf<ReadStates>>
      >`json_build_object('views', json_agg(v.view order by v.rank)${sql.raw(pagePeople)})`,
      ...firstOf,
    })
    .from(rows)
}

/**
 * A page's views and a page of the (only) conversation's messages (see messagesPage); no read states. The
 * messages' authors and the conversation's people are read in one lookup, beside the messages: a second
 * lookup for the view's few people cost 6-12% of a retrieve's CPU in PostgreSQL.
 */
export const viewWithMessagesQuery = (db: Db, where: SQL | undefined, direction: MessagesDirection) =>
  viewPageQuery(db, where, {
    readStates: false,
    peopleElsewhere: true,
    extra: {
      messages: messagesPage(sql.raw('conversations.id'), direction, {
        userIds: 'array[conversations.customer_id, lm.sender_user_id]',
        sellerIds: 'array[conversations.seller_id, lm.sender_seller_id]',
      }),
    },
  })

/** A viewWithMessagesQuery's row as the domain's; undefined when no conversation matched. */
export function toViewWithMessages(
  row: { page: ViewPageJson<unknown>; messages: MessagesPageJson | null } | undefined,
) {
  if (!row?.messages) return undefined
  const people = peopleOf(row.messages)
  const [view] = toViews(row.page, people)
  return view && { view, messages: toMessages(row.messages, people) }
}

/** The views matching `where`, newest activity first, with their read states when `readStates`. */
export async function selectViews<ReadStates extends boolean>(
  db: Db,
  where: SQL | undefined,
  options: { readStates: ReadStates },
): Promise<(ConversationView & StatesOf<ReadStates>)[]> {
  const [row] = await viewPageQuery(db, where, options)
  return row ? toViews(row.page) : []
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

/** The people a page brought, by id. */
const peopleOf = (page: Partial<PeopleJson>) => ({
  users: new Map(page.users?.map((user) => [user.id, toUser(user)])),
  sellers: new Map(page.sellers?.map((seller) => [seller.id, toSeller(seller)])),
})

type People = ReturnType<typeof peopleOf>

const toMessage = (
  { senderUserId, senderSellerId, ...message }: MessageJson,
  people: People,
): MessageView => {
  const seller = senderSellerId === null ? undefined : people.sellers.get(senderSellerId)
  return {
    ...message,
    createdAt: dateOf(message.createdAt),
    senderUser: (senderUserId !== null && people.users.get(senderUserId)) || null,
    senderSeller: seller ? { id: seller.id, name: seller.name } : null,
  }
}

/** A page's messages as the domain's, each with its authors. */
export function toMessages(page: MessagesPageJson, people = peopleOf(page)): MessageView[] {
  return page.messages.map((message) => toMessage(message, people))
}

/**
 * A page's views as the domain's, each with its people — the page's own, or `people` read beside it — and
 * its read states, when the page has them.
 */
export function toViews<States>(
  page: ViewPageJson<States>,
  people = peopleOf(page),
): (ConversationView & States)[] {
  return (page.views ?? []).map(({ customerId, sellerId, ...view }) => {
    const customer = people.users.get(customerId)
    if (!customer) throw new Error(`conversation ${view.id} has no customer ${customerId}`)
    return {
      ...view,
      deletedAt: view.deletedAt === null ? null : dateOf(view.deletedAt),
      lastMessageAt: dateOf(view.lastMessageAt),
      createdAt: dateOf(view.createdAt),
      updatedAt: dateOf(view.updatedAt),
      customer,
      seller: (sellerId !== null && people.sellers.get(sellerId)) || null,
      item: view.item && toItem(view.item),
      lastMessage: view.lastMessage && toMessage(view.lastMessage, people),
    } as ConversationView & States
  })
}
