import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { rowsOf } from '../../db/rows.ts'
import type { StoredAttachment } from '../../db/schema/contacts.ts'
import { messages } from '../../db/schema/index.ts'
import type { PartyType } from '../events/party.ts'
import { senderSeller, senderSellerColumns, senderUser, senderUserColumns } from './conversation-views.ts'
import type { MessageView, Side } from './types.ts'

export type NewMessage = {
  companyId: number
  conversationId: number
  side: Side
  /** The party writing, whose own read state moves to the new message. */
  senderParty: PartyType
  senderUserId: number | null
  senderSellerId: number | null
  userType: string
  text: string
  image: StoredAttachment | null
}

export type AppendedMessage = {
  id: number
  conversationId: number
  side: Side
  sideSeq: number
  createdAt: Date
  /** Both parties after the append, for the events that tell them (each with its own unread count). */
  parties: PartyCount[]
}

export type PartyCount = { partyType: PartyType; partyId: number; unreadCount: number }

type AppendRow = {
  id: number | string
  side_seq: number
  created_at: Date | string
  parties: PartyCount[]
}

export const messagesRepository = {
  /**
   * Adds a message and moves everything that depends on it in one statement: the conversation's counters,
   * last message and `is_answered`, and both parties' inbox position and unread count. The conversation row
   * is locked first, and the message's id and time are taken under that lock, so concurrent replies get
   * distinct per-side ranks and ids in the order they commit. Undefined when the conversation is gone.
   */
  async append(db: Db, message: NewMessage): Promise<AppendedMessage | undefined> {
    const fromCustomer = message.side === 'customer'
    const image = message.image === null ? null : JSON.stringify(message.image)
    const result = await db.execute(sql`
      with c as (
        update conversations set
          message_count = message_count + 1,
          customer_message_count = customer_message_count + ${fromCustomer ? 1 : 0},
          counterparty_message_count = counterparty_message_count + ${fromCustomer ? 0 : 1},
          last_message_id = nextval(pg_get_serial_sequence('messages', 'id')),
          last_message_at = clock_timestamp(),
          is_answered = ${!fromCustomer}::boolean,
          updated_at = now()
        where id = ${message.conversationId} and company_id = ${message.companyId} and not deleted
        returning id, last_message_id, last_message_at, customer_message_count, counterparty_message_count
      ), m as (
        insert into messages
          (id, conversation_id, sender_user_id, sender_seller_id, side, side_seq, user_type, text, image, created_at)
        overriding system value
        select c.last_message_id, c.id, ${message.senderUserId}::bigint, ${message.senderSellerId}::bigint,
          ${message.side}::text,
          ${fromCustomer ? sql`c.customer_message_count` : sql`c.counterparty_message_count`},
          ${message.userType}::text, ${message.text}::text, ${image}::jsonb, c.last_message_at
        from c
        returning id, side_seq, created_at
      ), p as (
        update conversation_parties cp set
          last_message_at = c.last_message_at,
          unread_count = case
            when cp.party_type = ${message.senderParty} then 0
            when (cp.party_type = 'customer') = ${fromCustomer}::boolean then cp.unread_count
            else cp.unread_count + 1 end,
          last_read_message_id = case when cp.party_type = ${message.senderParty}
            then c.last_message_id else cp.last_read_message_id end,
          last_delivered_message_id = case when cp.party_type = ${message.senderParty}
            then c.last_message_id else cp.last_delivered_message_id end
        from c
        where cp.conversation_id = c.id
        returning cp.party_type, cp.party_id, cp.unread_count
      )
      select id, side_seq, created_at, (select json_agg(json_build_object('partyType', party_type,
          'partyId', party_id, 'unreadCount', unread_count)) from p) as parties
      from m`)
    const [row] = rowsOf<AppendRow>(result)
    if (!row) return undefined
    return {
      id: Number(row.id),
      conversationId: message.conversationId,
      side: message.side,
      sideSeq: Number(row.side_seq),
      createdAt: new Date(row.created_at),
      parties: row.parties,
    }
  },

  /**
   * A page of a conversation's messages, oldest first: the newest `limit` before `beforeId`, or the oldest
   * `limit` after `afterId`. An index range on (conversation, id), whatever the history's length.
   */
  async list(
    db: Db,
    conversationId: number,
    page: { limit: number; beforeId?: number; afterId?: number },
  ): Promise<MessageView[]> {
    const forward = page.afterId !== undefined
    const variant = forward ? 'after' : page.beforeId === undefined ? 'newest' : 'before'
    const query = prepared(db, `messages_${variant}`, (db) =>
      db
        .select({
          message: {
            id: messages.id,
            conversationId: messages.conversationId,
            side: messages.side,
            sideSeq: messages.sideSeq,
            userType: messages.userType,
            text: messages.text,
            image: messages.image,
            createdAt: messages.createdAt,
          },
          senderUser: senderUserColumns,
          senderSeller: senderSellerColumns,
        })
        .from(messages)
        .leftJoin(senderUser, eq(senderUser.id, messages.senderUserId))
        .leftJoin(senderSeller, eq(senderSeller.id, messages.senderSellerId))
        .where(
          and(
            eq(messages.conversationId, sql.placeholder('conversationId')),
            variant === 'after' ? gt(messages.id, sql.placeholder('afterId')) : undefined,
            variant === 'before' ? lt(messages.id, sql.placeholder('beforeId')) : undefined,
          ),
        )
        .orderBy(forward ? asc(messages.id) : desc(messages.id))
        .limit(sql.placeholder('limit'))
        .prepare(`messages_${variant}`),
    )
    const rows = await query.execute({
      conversationId,
      limit: page.limit,
      afterId: page.afterId,
      beforeId: page.beforeId,
    })
    const views = rows.map(({ message, ...sender }) => ({
      ...message,
      side: message.side as Side,
      ...sender,
    }))
    return forward ? views : views.reverse()
  },
}
