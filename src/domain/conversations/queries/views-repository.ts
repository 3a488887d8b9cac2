import { eq, or, type Placeholder, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../../../db/client.ts'
import { conversations, messages } from '../../../db/schema/index.ts'
import { isSellerMemberSql } from '../../policy/parties-sql.ts'
import type { ConversationView, ItemType, MessageView, PartyStates } from '../types.ts'
import {
  nothingWanted,
  type Shown,
  show,
  shownConversation,
  type Wanted,
  wantConversation,
} from './shown-cache.ts'
import { type Json, objectOf } from './shown-records-repository.ts'

/*
 * The one query shape that reads conversations for display: the conversation with its last message and
 * both parties' read states, built by PostgreSQL as one JSON value per conversation. Each related row is
 * found on its key, so a page costs the same however long its conversations' histories are. One JSON column
 * instead of some 80 plain ones spares Drizzle's per-field mapping of each, and subqueries instead of a wide
 * join spare the planner its join-order search, which cost more than running the statement.
 *
 * The people and item a view shows come as ids, and are found in the shown cache (see createShownCache). The
 * parties' read states are read only by the views that show them (see PartyStates).
 *
 * Column references are spelled out as `conversations.<column>`: in a select from one table Drizzle leaves
 * its own column references unqualified, which inside a subquery would name the subquery's columns.
 */

/** A message as PostgreSQL builds it: its authors as ids (see Shown). */
type MessageJson = Json<Omit<MessageView, 'senderUser' | 'senderSeller'>> & {
  senderUserId: number | null
  senderSellerId: number | null
}

/** The conversation as PostgreSQL builds it (see viewJson): its people and item as ids (see Shown). */
type ViewJson = Json<Omit<ConversationView, 'customer' | 'seller' | 'item' | 'lastMessage'>> & {
  customerId: number | null
  sellerId: number | null
  itemType: ItemType | null
  itemId: number | null
  lastMessage: MessageJson | null
}

/** A page of conversations as PostgreSQL builds it (see viewPageQuery), each view with `States` when it reads them. */
type ViewPageJson<States> = { views: (ViewJson & States)[] | null }

/** What a view with `readStates` carries besides the conversation. */
type StatesOf<ReadStates extends boolean> = ReadStates extends true ? PartyStates : unknown

/** A message's fields with its authors' ids, from `messages` under `alias`. */
const messageColumns = (alias: string) => `${alias}.id, ${alias}.conversation_id as "conversationId",
  ${alias}.side, ${alias}.side_seq as "sideSeq", ${alias}.user_type as "userType", ${alias}.text, ${alias}.image,
  ${alias}.created_at as "createdAt", ${alias}.sender_user_id as "senderUserId",
  ${alias}.sender_seller_id as "senderSellerId"`

const stateOf = (partyTypes: string) => `(select ${objectOf(`cp.party_type as "partyType",
  cp.party_id as "partyId", cp.last_delivered_message_id as "lastDeliveredMessageId",
  cp.last_read_message_id as "lastReadMessageId", cp.unread_count as "unreadCount"`)}
  from conversation_parties cp where cp.conversation_id = conversations.id and cp.party_type in (${partyTypes}))`

/** The last message, joined to each conversation row under the alias `lm` (see viewPageQuery). */
const lastMessage = alias(messages, 'lm')

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
  conversations.item_type as "itemType", conversations.item_id as "itemId",
  case when lm.id is null then null else ${objectOf(messageColumns('lm'))} end as "lastMessage"`

const STATE_COLUMNS = `${stateOf(`'customer'`)} as "customerState",
  ${stateOf(`'seller', 'staff'`)} as "counterpartyState"`

/**
 * A conversation's view as one JSON value, with its parties' read states when `readStates`, and the fields of
 * `columns` (a select list over `conversations`) when given.
 */
const viewJson = (readStates: boolean, columns?: string) =>
  sql.raw(
    objectOf(
      [
        VIEW_COLUMNS,
        ...(readStates ? [STATE_COLUMNS] : []),
        ...(columns === undefined ? [] : [columns]),
      ].join(',\n  '),
    ),
  )

/** Which page of a conversation's messages: the newest before `beforeId`, or the oldest after `afterId`. */
export type MessagesDirection = 'older' | 'newer'

/**
 * A page of a conversation's messages, oldest first: the newest `limit` before the placeholder `beforeId`,
 * or the oldest `limit` after `afterId`; an index range on (conversation, id), whatever the history's length.
 */
export const messagesPage = (conversationId: SQL, direction: MessagesDirection) => {
  const range =
    direction === 'older'
      ? sql`id < ${sql.placeholder('beforeId')}::bigint order by id desc`
      : sql`id > ${sql.placeholder('afterId')}::bigint order by id`
  return sql<MessageJson[]>`(select coalesce(json_agg(m order by m.id), '[]')
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

/** Conversations the user takes part in (see personalPartyOf): as their customer, or their seller's member. */
export const personalAccess = (userId: number | Placeholder): SQL | undefined =>
  or(eq(conversations.customerId, userId), isSellerMemberSql(sql`conversations.seller_id`, userId))

/** Newest activity first, the order lists of views are shown in unless they name their own. */
const BY_ACTIVITY = sql.raw('conversations.last_message_at desc, conversations.id desc')

/** What a page of views reads: read states or not, in which order, and what more beside each view. */
type ViewPageOptions<ReadStates extends boolean, Extra> = {
  readStates: ReadStates
  /** The views' order; newest activity first when left out. */
  order?: SQL
  /** Fields added to each view: a select list over `conversations`. */
  columns?: string
  /** Values of the page, each from its first row (the same on every row). */
  extra?: Extra
}

/** Each view of the conversations `where` selects, with its rank in the page's order and the `extra` values. */
const viewRows = <ReadStates extends boolean, Extra extends Record<string, SQL>>(
  db: Db,
  where: SQL | undefined,
  options: ViewPageOptions<ReadStates, Extra>,
) =>
  db
    .select({
      view: sql`${viewJson(options.readStates, options.columns)}`.as('view'),
      rank: sql<number>`row_number() over (order by ${options.order ?? BY_ACTIVITY})`.as('rank'),
      ...Object.fromEntries(
        Object.entries(options.extra ?? {}).map(([name, value]) => [name, value.as(name)]),
      ),
    })
    .from(conversations)
    .leftJoin(lastMessage, eq(lastMessage.id, conversations.lastMessageId))
    .where(where)
    .as('v')

/** The views of viewRows as one JSON array in their order; null when there are none. */
const VIEWS = sql`json_agg(v.view order by v.rank)`

/**
 * The views of the conversations `where` selects, newest activity first, as one page, with the first row's
 * value of each `extra` (the same on every row).
 */
export const viewPageQuery = <
  ReadStates extends boolean,
  Extra extends Record<string, SQL> = Record<never, SQL>,
>(
  db: Db,
  where: SQL | undefined,
  options: { readStates: ReadStates; extra?: Extra },
) => {
  const firstOf = Object.fromEntries(
    Object.keys(options.extra ?? {}).map((name) => [
      name,
      sql`(array_agg(${sql.identifier('v')}.${sql.identifier(name)}))[1]`,
    ]),
  ) as { [K in keyof Extra]: SQL<(Extra[K] extends SQL<infer T> ? T : never) | null> }
  return db
    .select({
      page: sql<ViewPageJson<StatesOf<ReadStates>>>`json_build_object('views', ${VIEWS})`,
      ...firstOf,
    })
    .from(viewRows(db, where, options))
}

/**
 * The views of the conversations `where` selects, without read states, as a JSON array in `order`, each with
 * the fields of `columns` (typed `Added`): a value for a statement that reads more beside the page.
 */
export const viewsArray = <Added>(db: Db, where: SQL, options: { order: SQL; columns: string }) =>
  sql<
    ViewPageJson<Json<Added>>['views']
  >`(select ${VIEWS} from ${viewRows(db, where, { readStates: false, ...options })})`

/**
 * The one conversation `where` selects and a page of its messages (see messagesPage); no read states. A
 * statement of its own rather than a page of views: one conversation needs neither the page's aggregate nor
 * its window, which PostgreSQL would compute anyway.
 */
export const viewWithMessagesQuery = (db: Db, where: SQL | undefined, direction: MessagesDirection) =>
  db
    .select({
      view: sql<ViewJson>`${viewJson(false)}`,
      messages: messagesPage(sql.raw('conversations.id'), direction),
    })
    .from(conversations)
    .leftJoin(lastMessage, eq(lastMessage.id, conversations.lastMessageId))
    .where(where)

/** A viewWithMessagesQuery's row as the domain's; undefined when no conversation matched. */
export async function toViewWithMessages(
  db: Db,
  row: { view: ViewJson; messages: MessageJson[] } | undefined,
) {
  if (!row) return undefined
  const { views, messages } = await withShown(db, [row.view], row.messages)
  const [view] = views
  return view && { view, messages }
}

/** The views matching `where`, newest activity first, with their read states when `readStates`. */
export async function selectViews<ReadStates extends boolean>(
  db: Db,
  where: SQL | undefined,
  options: { readStates: ReadStates },
): Promise<(ConversationView & StatesOf<ReadStates>)[]> {
  const [row] = await viewPageQuery(db, where, options)
  return row ? toViews(db, row.page) : []
}

const dateOf = (iso: string) => new Date(iso)

const wantMessage = (wanted: Wanted, message: MessageJson) => {
  if (message.senderUserId !== null) wanted.users.add(message.senderUserId)
  if (message.senderSellerId !== null) wanted.sellers.add(message.senderSellerId)
}

const wantView = (wanted: Wanted, view: ViewJson) => {
  wantConversation(wanted, view)
  if (view.lastMessage) wantMessage(wanted, view.lastMessage)
}

const toMessage = ({ senderUserId, senderSellerId, ...message }: MessageJson, shown: Shown): MessageView => {
  const seller = senderSellerId === null ? undefined : shown.sellers.get(senderSellerId)
  return {
    ...message,
    createdAt: dateOf(message.createdAt),
    senderUser: (senderUserId !== null && shown.users.get(senderUserId)) || null,
    senderSeller: seller ? { id: seller.id, name: seller.name } : null,
  }
}

const toView = <States>(
  { customerId, sellerId, itemType, itemId, ...view }: ViewJson & States,
  shown: Shown,
): ConversationView & States =>
  ({
    ...view,
    deletedAt: view.deletedAt === null ? null : dateOf(view.deletedAt),
    lastMessageAt: dateOf(view.lastMessageAt),
    createdAt: dateOf(view.createdAt),
    updatedAt: dateOf(view.updatedAt),
    ...shownConversation(shown, { id: view.id, customerId, sellerId, itemType, itemId }),
    lastMessage: view.lastMessage && toMessage(view.lastMessage, shown),
  }) as ConversationView & States

/** Views and messages as the domain's, with the people and items they show, found once for all of them. */
async function withShown<States>(db: Db, views: (ViewJson & States)[], messages: MessageJson[]) {
  const wanted = nothingWanted()
  for (const view of views) wantView(wanted, view)
  for (const message of messages) wantMessage(wanted, message)
  const shown = await show(db, wanted)
  return {
    views: views.map((view) => toView(view, shown)),
    messages: messages.map((message) => toMessage(message, shown)),
  }
}

/** A page's messages as the domain's, each with its authors. */
export async function toMessages(db: Db, messages: MessageJson[]): Promise<MessageView[]> {
  return (await withShown(db, [], messages)).messages
}

/** A page's views as the domain's, each with its people and item, and its read states when it has them. */
export async function toViews<States>(
  db: Db,
  page: ViewPageJson<States>,
): Promise<(ConversationView & States)[]> {
  return (await withShown(db, page.views ?? [], [])).views
}
