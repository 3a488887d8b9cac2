import { sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import { rowsOf } from '../../../db/rows.ts'
import { readData } from '../../webhooks/event-data.ts'
import { queueStatements } from '../../webhooks/webhook-queue.ts'
import { type StateRow, toState } from '../read-state/read-state-repository.ts'
import type { ReadState } from '../types.ts'
import { dialogPartyType } from './dialogs-repository.ts'

/** What a user's read of a dialog came to: its party's state, moved or not, unless the read was refused. */
export type DialogRead =
  /** `eventKeys`: the parties told of a moved mark, to notify once the read has committed. */
  | { outcome: 'read'; state: ReadState; eventKeys: string | null; webhooks?: number }
  | { outcome: 'not_a_party' }
  | { outcome: 'not_in_dialog' }

const conversationId = sql`${sql.placeholder('conversationId')}::bigint`
const messageId = sql`${sql.placeholder('messageId')}::bigint`

/**
 * A dialog the user takes part in, with the party it reads as and whether the message it names (none: the
 * newest) is one of the dialog's.
 */
const readAccess = sql`select c.id, c.company_id, coalesce(c.last_message_id, 0) as last_message_id,
    ${dialogPartyType} as party_type,
    ${messageId} is null
      or exists (select 1 from messages m where m.conversation_id = c.id and m.id = ${messageId}) as in_dialog
  from conversations c
  where c.id = ${conversationId} and c.company_id = ${sql.placeholder('companyId')}::bigint and not c.deleted
    and c.seller_id is not null`

const readTarget = sql`select a.id, a.company_id, a.party_type, least(${messageId}, a.last_message_id) as up_to,
    case a.party_type when 'customer' then 'counterparty' else 'customer' end as other_side
  from access a where a.party_type is not null and a.in_dialog`

/** The rank of the newest message of the other side up to `upTo` among that side's messages. */
const otherSideRank = (upTo: string) =>
  sql.raw(`coalesce((select m.side_seq from messages m where m.conversation_id = t.id and m.side = t.other_side
    and m.id <= ${upTo} order by m.id desc limit 1), 0)`)

/**
 * The unread count moves by the other side's messages between the old read mark and the new one, rather
 * than being recounted from the conversation's totals. Nothing locks the conversation: a reply that commits
 * while this waits for the party row has added itself to the count this then updates, yet is not in this
 * statement's snapshot; a difference keeps it, a recount from the snapshot's totals would drop it. Both
 * ranks come from the snapshot, which holds every message up to the new mark: a message's id is handed out
 * under the conversation's lock, and it commits before the next one's is.
 */
const readMoved = sql`update conversation_parties cp set
    last_read_message_id = t.up_to,
    last_delivered_message_id = greatest(cp.last_delivered_message_id, t.up_to),
    unread_count = greatest(0, cp.unread_count - ${otherSideRank('t.up_to')}
      + ${otherSideRank('cp.last_read_message_id')})
  from target t, conversation_parties other
  where cp.conversation_id = t.id and cp.party_type = t.party_type and cp.last_read_message_id < t.up_to
    and other.conversation_id = t.id and other.party_type <> cp.party_type
  returning cp.party_type, cp.party_id, cp.last_delivered_message_id, cp.last_read_message_id,
    cp.unread_count, other.party_type as other_type, other.party_id as other_id`

/** The `message.read` receipt for the other party, with the payload recordReceipt writes. */
const readReceipt = sql`insert into events (company_id, party_type, party_id, type, payload)
  select t.company_id, moved.other_type, moved.other_id, 'message.read', jsonb_build_object(
    'conversationId', t.id, 'partyType', moved.party_type, 'partyId', moved.party_id,
    'lastDeliveredMessageId', moved.last_delivered_message_id, 'lastReadMessageId', moved.last_read_message_id)
  from moved, target t
  returning party_type, party_id`

/** The party's state: as the read left it, or as it was when nothing moved. */
const stateColumn = (column: string) => sql.raw(`coalesce(moved.${column}, stored.${column})`)

export const dialogReadRepository = {
  /**
   * Marks a dialog read by the user's party up to `messageId` (at most the newest message; default the
   * newest) and records the other party's receipt when the mark moved: one statement, with the access
   * check and the read's `message.read` webhooks, so a read is one round trip. Marks never move back.
   */
  async markRead(
    db: Db,
    read: { companyId: number; conversationId: number; userId: number; messageId: number | undefined },
  ): Promise<DialogRead> {
    const query = prepared(db, 'dialog_read', (db) => {
      const access = db.$with('access', {}).as(readAccess)
      const target = db.$with('target', {}).as(readTarget)
      const moved = db.$with('moved', {}).as(readMoved)
      const receipt = db.$with('receipt', {}).as(readReceipt)
      const webhook = queueStatements(
        {
          companyId: sql`${sql.placeholder('companyId')}::bigint`,
          type: 'message.read',
          data: readData('moved', 't'),
          orderingKey: sql`'conversation:' || t.id`,
          from: sql`moved, target t`,
        },
        'webhook_event',
      )
      const webhookEvent = db.$with('webhook_event', {}).as(webhook.event)
      const webhookDeliveries = db.$with('webhook_deliveries_made', {}).as(webhook.deliveries)
      return db
        .with(access, target, moved, receipt, webhookEvent, webhookDeliveries)
        .select({
          party_type: sql<string | null>`a.party_type`,
          in_dialog: sql<boolean>`a.in_dialog`,
          // Behind the mark yet not moved: a read of the same party committed while this one waited for
          // the row, and the stored state is this statement's snapshot, from before that read.
          raced: sql<boolean | null>`moved.party_id is null
            and stored.last_read_message_id < least(${messageId}, a.last_message_id)`,
          party_id: sql<number>`${stateColumn('party_id')}`,
          last_delivered_message_id: sql<number>`${stateColumn('last_delivered_message_id')}`,
          last_read_message_id: sql<number>`${stateColumn('last_read_message_id')}`,
          unread_count: sql<number>`${stateColumn('unread_count')}`,
          event_keys: sql<string | null>`(select string_agg(party_type || ':' || party_id, ' ')
            from receipt)`,
          webhooks: sql<number>`(select count(*)::int from webhook_deliveries_made)`,
        })
        .from(
          sql`access a left join moved on true
            left join conversation_parties stored on stored.conversation_id = a.id
              and stored.party_type = a.party_type`,
        )
        .prepare('dialog_read')
    })
    const [row] = await query.execute({ ...read, messageId: read.messageId ?? null })
    const partyType = row?.party_type
    if (!row || !partyType) return { outcome: 'not_a_party' }
    if (!row.in_dialog) return { outcome: 'not_in_dialog' }
    if (row.raced) {
      return { outcome: 'read', state: await findState(db, read.conversationId, partyType), eventKeys: null }
    }
    const state = toState({ ...row, party_type: partyType })
    return { outcome: 'read', state, eventKeys: row.event_keys, webhooks: Number(row.webhooks) }
  },
}

/** A party's state as now committed. */
async function findState(db: Db, conversationId: number, partyType: string): Promise<ReadState> {
  const result = await db.execute(sql`select party_type, party_id, last_delivered_message_id,
      last_read_message_id, unread_count
    from conversation_parties where conversation_id = ${conversationId} and party_type = ${partyType}`)
  const [row] = rowsOf<StateRow>(result)
  if (!row) throw new Error(`conversation ${conversationId} has no ${partyType} party`)
  return toState(row)
}
