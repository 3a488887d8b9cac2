import { sql } from 'drizzle-orm'
import type { StoredAttachment } from '../../db/schema/contacts.ts'
import type { DialogBuyer, DialogFacts } from './dialog-views.ts'
import type { ProductSummary, SellerSummary, Side } from './types.ts'

/**
 * The statement behind a page of a user's dialogs. It walks the inbox index (party, last message desc) from
 * the cursor on, one party of the user at a time, and stops after a page: a page costs the same however many
 * dialogs and messages the user has. The page comes back as one JSON array holding only what a dialog shows,
 * which the driver parses natively: mapping the engine's wide view row by row in Drizzle was a large share
 * of a request's CPU.
 */

const userId = sql`${sql.placeholder('userId')}::bigint`
const companyId = sql`${sql.placeholder('companyId')}::bigint`

/** The user's parties: itself as a customer, and each seller it is a member of. */
const partiesOfUser = sql`(select 'customer'::text as party_type, ${userId} as party_id
  union all select 'seller', sm.seller_id from seller_members sm where sm.user_id = ${userId}) parties`

/** Conversation `c` is a visible dialog: the company's, not deleted, with a seller. */
const isDialog = sql`c.company_id = ${companyId} and not c.deleted and c.seller_id is not null`

/** A timestamp as JavaScript's toISOString writes it (UTC, milliseconds truncated as a Date keeps them). */
const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

/** The user's unread messages over all its dialogs: a sum of stored counts, never a scan of messages. */
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

const dialogRows = sql`(select coalesce(json_agg(json_build_object(
    'id', c.id,
    'at', to_char(page.last_message_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'createdAt', ${iso('c.created_at')},
    'updatedAt', ${iso('c.updated_at')},
    'customer', json_build_object('id', u.id, 'firstName', u.first_name, 'lastName', u.last_name,
      'displayName', u.display_name, 'avatarUrl', u.avatar_url, 'cityId', u.city_id,
      'createdAt', ${iso('u.created_at')}),
    'seller', json_build_object('id', s.id, 'name', s.name, 'avatarUrl', s.avatar_url, 'cityId', s.city_id,
      'rating', s.rating::text, 'reviewsCount', s.reviews_count, 'productsCount', s.products_count,
      'createdAt', ${iso('s.created_at')}),
    'product', case when p.id is not null then json_build_object('id', p.id, 'name', p.name,
      'price', p.price::text, 'images', p.images, 'attributes', p.attributes,
      'publishedAt', ${iso('p.published_at')}) end,
    'lastMessage', case when m.id is not null then json_build_object('id', m.id, 'side', m.side,
      'senderId', coalesce(m.sender_seller_id, m.sender_user_id, 0), 'text', m.text, 'image', m.image,
      'createdAt', ${iso('m.created_at')}) end,
    'customerState', case when cu.conversation_id is not null then json_build_object(
      'lastDeliveredMessageId', cu.last_delivered_message_id, 'lastReadMessageId', cu.last_read_message_id,
      'unreadCount', cu.unread_count) end,
    'counterpartyState', case when co.conversation_id is not null then json_build_object(
      'lastDeliveredMessageId', co.last_delivered_message_id, 'lastReadMessageId', co.last_read_message_id,
      'unreadCount', co.unread_count) end
  ) order by page.last_message_at desc, page.conversation_id desc), '[]')
  from ${pagePositions}
  join conversations c on c.id = page.conversation_id
  join users u on u.id = c.customer_id
  join sellers s on s.id = c.seller_id
  left join order_items oi on c.item_type = 'orderitem' and oi.id = c.item_id
  left join products p on p.id = case when c.item_type = 'product' then c.item_id else oi.product_id end
  left join messages m on m.id = c.last_message_id
  left join conversation_parties cu on cu.conversation_id = c.id and cu.party_type = 'customer'
  left join conversation_parties co on co.conversation_id = c.id and co.party_type in ('seller', 'staff'))`

export const dialogsPage = { totalUnread, rows: dialogRows }

type Marks = { lastDeliveredMessageId: number; lastReadMessageId: number; unreadCount: number }

/** One dialog of the page as the statement writes it: times as ISO text, `at` to the microsecond. */
export type DialogPageRow = {
  id: number
  at: string
  createdAt: string
  updatedAt: string
  customer: Omit<DialogBuyer, 'createdAt'> & { createdAt: string }
  seller: Omit<SellerSummary, 'createdAt'> & { createdAt: string }
  product:
    | (Pick<ProductSummary, 'id' | 'name' | 'price' | 'images' | 'attributes'> & {
        publishedAt: string | null
      })
    | null
  lastMessage: {
    id: number
    side: Side
    senderId: number
    text: string
    image: StoredAttachment | null
    createdAt: string
  } | null
  customerState: Marks | null
  counterpartyState: Marks | null
}

export function toDialogFacts(row: DialogPageRow): DialogFacts {
  const { product, lastMessage } = row
  return {
    conversation: {
      id: row.id,
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.updatedAt),
      customer: { ...row.customer, createdAt: new Date(row.customer.createdAt) },
      seller: { ...row.seller, createdAt: new Date(row.seller.createdAt) },
      item: product && {
        product: {
          ...product,
          publishedAt: product.publishedAt === null ? null : new Date(product.publishedAt),
        },
      },
    },
    lastMessage: lastMessage && {
      ...lastMessage,
      conversationId: row.id,
      createdAt: new Date(lastMessage.createdAt),
    },
    customerState: row.customerState,
    counterpartyState: row.counterpartyState,
  }
}
