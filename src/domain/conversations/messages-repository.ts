import { type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { rowsOf } from '../../db/rows.ts'
import type { StoredAttachment } from '../../db/schema/contacts.ts'
import { EVENTS_CHANNEL } from '../events/events-repository.ts'
import type { PartyType } from '../events/party.ts'
import { messageEventTemplates } from './conversation-events.ts'
import { messagesPage, pageBounds, toMessage } from './conversation-views.ts'
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
  /**
   * Append only if the sender may reply there, checked by the same statement: the conversation's customer,
   * or a member of its seller (who cannot answer a review); the shop's staff write anywhere in their company.
   * posting-rules.ts words these rules for the errors of a refused reply.
   */
  asReply?: boolean
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

/** The conversation's conditions on a reply's sender (see NewMessage's `asReply`), on the locked row. */
function replierMay(message: NewMessage): SQL {
  if (message.senderParty === 'customer') return sql`and customer_id = ${message.senderUserId}`
  if (message.senderParty === 'seller') {
    return sql`and seller_id = ${message.senderSellerId} and type <> 'review'
      and exists (select 1 from seller_members sm
        where sm.seller_id = ${message.senderSellerId} and sm.user_id = ${message.senderUserId})`
  }
  return sql``
}

/** A timestamp as JavaScript's toISOString writes it (UTC, milliseconds truncated as a Date keeps them). */
const isoOf = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

export const messagesRepository = {
  /**
   * Adds a message and moves everything that depends on it in one statement: the conversation's counters,
   * last message and `is_answered`, and both parties' inbox position and unread count. The conversation row
   * is locked first, and the message's id and time are taken under that lock, so concurrent replies get
   * distinct per-side ranks and ids in the order they commit. The message's realtime events (see
   * messageEventTemplates) are recorded, and their parties notified on commit, by the same statement, so a
   * reply is one round trip and needs no transaction of its own. Undefined when the conversation is gone
   * (or, `asReply`, when the sender may not write there).
   */
  async append(db: Db, message: NewMessage): Promise<AppendedMessage | undefined> {
    const fromCustomer = message.side === 'customer'
    const image = message.image === null ? null : JSON.stringify(message.image)
    const templates = messageEventTemplates(message)
    const created = JSON.stringify(templates.created)
    const updated = JSON.stringify(templates.updated)
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
          ${message.asReply ? replierMay(message) : sql``}
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
      ), e as (
        insert into events (company_id, party_type, party_id, type, payload)
        select ${message.companyId}::bigint, p.party_type, p.party_id, k.type, case k.type
          when 'message.created' then jsonb_set(${created}::jsonb, '{message}',
            (${created}::jsonb -> 'message') || jsonb_build_object('id', m.id, 'createdAt', ${isoOf('m.created_at')}))
          else ${updated}::jsonb || jsonb_build_object('lastMessageId', m.id,
            'lastMessageAt', ${isoOf('m.created_at')}, 'unreadCount', p.unread_count) end
        from m, p, (values (1, 'message.created'), (2, 'conversation.updated')) as k(rank, type)
        order by k.rank
        returning party_type, party_id
      )
      select id, side_seq, created_at, (select json_agg(json_build_object('partyType', party_type,
          'partyId', party_id, 'unreadCount', unread_count)) from p) as parties,
        (select pg_notify(${EVENTS_CHANNEL}, string_agg(distinct party_type || ':' || party_id, ' ')) from e)
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
    const { direction, values } = pageBounds(page)
    const name = `messages_${direction}`
    const query = prepared(db, name, (db) =>
      db
        .select({ messages: messagesPage(sql`${sql.placeholder('conversationId')}::bigint`, direction) })
        .from(sql`(select 1) as one`)
        .prepare(name),
    )
    const [row] = await query.execute({ conversationId, ...values })
    return (row?.messages ?? []).map(toMessage)
  },
}
