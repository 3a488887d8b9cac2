import { sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import type { PartyType } from '../../events/party.ts'
import { isSellerMemberSql } from '../../policy/parties-sql.ts'
import { messageData } from '../../webhooks/event-data.ts'
import { queueStatements } from '../../webhooks/webhook-queue.ts'
import { messagesPage, pageBounds, toMessages } from '../queries/views-repository.ts'
import type { MessageView, NewMessage, Side } from '../types.ts'
import { messageEventTemplates } from './conversation-events.ts'

export type AppendedMessage = {
  id: number
  conversationId: number
  side: Side
  /** The seller it was written for; null from the customer and from the shop's staff. */
  senderSellerId: number | null
  sideSeq: number
  createdAt: Date
  /** The parties after the append, for the events that tell them (each with its own unread count). */
  parties: PartyCount[]
  /** The parties whose events the append recorded, to notify once it has committed (see createNotifier). */
  eventKeys: string
  /** How many webhook deliveries of `message.created` it queued, to wake their worker once committed. */
  webhooks: number
}

export type PartyCount = { partyType: PartyType; partyId: number; unreadCount: number }

/** A message from a user to a dialog, by whichever party of it the user is (see appendByDialogParty). */
export type DialogPost = Pick<NewMessage, 'companyId' | 'conversationId' | 'text' | 'image'> & {
  senderUserId: number
}

type AppendRow = {
  id: number | string
  side: Side
  senderSellerId: number | string | null
  sideSeq: number
  createdAt: Date | string
  parties: PartyCount[]
  webhooks: number | string
}

const param = (name: keyof NewMessage | 'fromCustomer' | 'created' | 'updated') => sql.placeholder(name)

const senderUser = sql`${param('senderUserId')}::bigint`

/**
 * What a reply's sender must be to the conversation (see NewMessage's `asReply`), checked on its locked row:
 * the customer, or a member of its seller, who cannot answer a review. Staff need no condition. A dialog's
 * party (see appendByDialogParty) is whichever of the two the user is.
 */
const replierConditions = {
  none: sql``,
  customer: sql`and customer_id = ${senderUser}`,
  seller: sql`and seller_id = ${param('senderSellerId')}::bigint and type <> 'review'
    and ${isSellerMemberSql(sql`${param('senderSellerId')}::bigint`, senderUser)}`,
  dialog: sql`and seller_id is not null and (customer_id = ${senderUser}
    or (type <> 'review' and ${isSellerMemberSql(sql`conversations.seller_id`, senderUser)}))`,
}

type Replier = keyof typeof replierConditions

/**
 * The sender as the conversation's update works it out on its row: as the caller gives it, or, for a
 * dialog's party, the customer when the user is the dialog's customer and its seller otherwise (the rule of
 * personalPartyTypeSql, with the membership checked by the dialog condition).
 */
const senderColumns = (replier: Replier) => {
  if (replier !== 'dialog') {
    return {
      fromCustomer: sql`${param('fromCustomer')}::boolean`,
      senderParty: sql`${param('senderParty')}::text`,
      senderSellerId: sql`${param('senderSellerId')}::bigint`,
    }
  }
  const isCustomer = sql`customer_id = ${senderUser}`
  return {
    fromCustomer: sql`(${isCustomer})`,
    senderParty: sql`case when ${isCustomer} then 'customer' else 'seller' end`,
    senderSellerId: sql`case when ${isCustomer} then null else seller_id end`,
  }
}

/** A timestamp as JavaScript's toISOString writes it (UTC, milliseconds truncated as a Date keeps them). */
const isoOf = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

/**
 * The append (see messagesRepository.append), built and prepared once per kind of sender check: planning
 * this statement anew costs PostgreSQL about as much as running it.
 */
function appendStatement(db: Db, replier: Replier) {
  const sender = senderColumns(replier)
  const c = db.$with('c', {}).as(sql`
    update conversations set
      message_count = message_count + 1,
      customer_message_count = customer_message_count + ${sender.fromCustomer}::int,
      counterparty_message_count = counterparty_message_count + (not ${sender.fromCustomer})::int,
      last_message_id = nextval(pg_get_serial_sequence('messages', 'id')),
      last_message_at = clock_timestamp(),
      is_answered = not ${sender.fromCustomer},
      updated_at = now()
    where id = ${param('conversationId')}::bigint and company_id = ${param('companyId')}::bigint
      and not deleted ${replierConditions[replier]}
    returning id, customer_id, last_message_id, last_message_at, customer_message_count,
      counterparty_message_count, ${sender.fromCustomer} as from_customer,
      ${sender.senderParty} as sender_party, ${sender.senderSellerId} as sender_seller_id`)
  const m = db.$with('m', {}).as(sql`
    insert into messages
      (id, conversation_id, sender_user_id, sender_seller_id, side, side_seq, user_type, text, image, created_at)
    overriding system value
    select c.last_message_id, c.id, ${senderUser}, c.sender_seller_id,
      case when c.from_customer then 'customer' else 'counterparty' end,
      case when c.from_customer then c.customer_message_count else c.counterparty_message_count end,
      ${param('userType')}::text, ${param('text')}::text, ${param('image')}::jsonb, c.last_message_at
    from c
    returning *`)
  const p = db.$with('p', {}).as(sql`
    update conversation_parties cp set
      last_message_at = c.last_message_at,
      unread_count = case
        when cp.party_type = c.sender_party then 0
        when (cp.party_type = 'customer') = c.from_customer then cp.unread_count
        else cp.unread_count + 1 end,
      last_read_message_id = case when cp.party_type = c.sender_party
        then c.last_message_id else cp.last_read_message_id end,
      last_delivered_message_id = case when cp.party_type = c.sender_party
        then c.last_message_id else cp.last_delivered_message_id end
    from c
    where cp.conversation_id = c.id
    returning cp.party_type, cp.party_id, cp.unread_count`)
  const created = sql`${param('created')}::jsonb`
  // Without a customer, the staff's copy is the staff inbox's (see audienceOf).
  const e = db.$with('e', {}).as(sql`
    insert into events (company_id, party_type, party_id, type, payload)
    select ${param('companyId')}::bigint,
      case when c.customer_id is null then 'inbox' else p.party_type end, p.party_id, k.type, case k.type
      when 'message.created' then jsonb_set(${created}, '{message}',
        (${created} -> 'message') || jsonb_build_object('id', m.id, 'createdAt', ${isoOf('m.created_at')},
          'side', m.side, 'senderParty', c.sender_party, 'senderSellerId', m.sender_seller_id))
      else ${param('updated')}::jsonb || jsonb_build_object('lastMessageId', m.id,
        'lastMessageAt', ${isoOf('m.created_at')}, 'unreadCount', p.unread_count) end
    from c, m, p, (values (1, 'message.created'), (2, 'conversation.updated')) as k(rank, type)
    order by k.rank
    returning party_type, party_id`)
  const webhook = queueStatements(
    {
      companyId: sql`${param('companyId')}::bigint`,
      type: 'message.created',
      data: messageData('m', sql`${param('companyId')}::bigint`),
      orderingKey: sql`'conversation:' || m.conversation_id`,
      from: sql`m`,
    },
    'webhook_event',
  )
  const w = db.$with('webhook_event', {}).as(webhook.event)
  const wd = db.$with('webhook_deliveries_made', {}).as(webhook.deliveries)
  return db
    .with(c, m, p, e, w, wd)
    .select({
      id: sql<AppendRow['id']>`m.id`,
      side: sql<Side>`m.side`,
      senderSellerId: sql<AppendRow['senderSellerId']>`m.sender_seller_id`,
      sideSeq: sql<number>`m.side_seq`,
      createdAt: sql<AppendRow['createdAt']>`m.created_at`,
      parties: sql<PartyCount[]>`(select json_agg(json_build_object('partyType', party_type,
        'partyId', party_id, 'unreadCount', unread_count)) from p)`,
      eventKeys: sql<string>`(select string_agg(distinct party_type || ':' || party_id, ' ') from e)`,
      webhooks: sql<number | string>`(select count(*) from webhook_deliveries_made)`,
    })
    .from(sql`m`)
}

export const messagesRepository = {
  /**
   * Adds a message and moves everything that depends on it in one statement: the conversation's counters,
   * last message and `is_answered`, and both parties' inbox position and unread count. The conversation row
   * is locked first, and the message's id and time are taken under that lock, so concurrent replies get
   * distinct per-side ranks and ids in the order they commit. The message's realtime events (see
   * messageEventTemplates) and its `message.created` webhooks are recorded by the same statement, so a reply is one round trip and needs no
   * transaction of its own; whoever commits it notifies `eventKeys`. Undefined when the conversation is gone
   * (or, `asReply`, when the sender may not write there).
   */
  async append(db: Db, message: NewMessage): Promise<AppendedMessage | undefined> {
    const replier = message.asReply && message.senderParty !== 'staff' ? message.senderParty : 'none'
    return runAppend(db, replier, { ...message, fromCustomer: message.side === 'customer' })
  },

  /**
   * The append of a user's message to a dialog, as its customer or else as a member of its seller: the
   * statement finds which and checks it, so the post is one round trip. Undefined when the user may not write
   * there (not a party, a seller answering a review, the dialog gone), for the caller to find out why.
   */
  appendByDialogParty: (db: Db, post: DialogPost) =>
    runAppend(db, 'dialog', { ...post, userType: 'registered' }),

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
    return row ? toMessages(db, row.messages) : []
  },
}

/** Runs the append statement for a kind of sender check; the sender fields it does not work out are given. */
async function runAppend(
  db: Db,
  replier: Replier,
  message: Omit<NewMessage, 'side' | 'senderParty' | 'senderSellerId'> &
    Partial<NewMessage> & { fromCustomer?: boolean },
): Promise<AppendedMessage | undefined> {
  const name = `append_message_${replier}`
  const statement = prepared(db, name, (db) => appendStatement(db, replier).prepare(name))
  const templates = messageEventTemplates(message)
  const [row] = await statement.execute({
    ...message,
    image: message.image === null ? null : JSON.stringify(message.image),
    created: JSON.stringify(templates.created),
    updated: JSON.stringify(templates.updated),
  })
  if (!row) return undefined
  return {
    id: Number(row.id),
    conversationId: message.conversationId,
    side: row.side,
    senderSellerId: row.senderSellerId === null ? null : Number(row.senderSellerId),
    sideSeq: Number(row.sideSeq),
    createdAt: new Date(row.createdAt),
    parties: row.parties,
    eventKeys: row.eventKeys,
    webhooks: Number(row.webhooks),
  }
}
