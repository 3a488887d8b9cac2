import { sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { rowsOf } from '../../../db/rows.ts'
import type { Party } from '../../events/party.ts'
import type { ReadState } from '../types.ts'

export type StateRow = {
  party_type: string
  party_id: number | string
  last_delivered_message_id: number | string
  last_read_message_id: number | string
  unread_count: number
}

export const toState = (row: StateRow): ReadState => ({
  partyType: row.party_type as ReadState['partyType'],
  partyId: Number(row.party_id),
  lastDeliveredMessageId: Number(row.last_delivered_message_id),
  lastReadMessageId: Number(row.last_read_message_id),
  unreadCount: Number(row.unread_count),
})

/** A party's moved read state, with what its receipt event needs: the company and the other party. */
export type MovedState = { state: ReadState; companyId: number; other: Party }

type MovedRow = StateRow & { company_id: number | string; other_type: string; other_id: number | string }

const returned = sql.raw(`cp.party_type, cp.party_id, cp.last_delivered_message_id, cp.last_read_message_id,
  cp.unread_count, c.company_id, other.party_type as other_type, other.party_id as other_id`)

const toMoved = (row: MovedRow): MovedState => ({
  state: toState(row),
  companyId: Number(row.company_id),
  other: { partyType: row.other_type as Party['partyType'], partyId: Number(row.other_id) },
})

export const readStateRepository = {
  /**
   * Moves a party's delivered mark forward to `upToId` (at most the newest message); never back. Undefined
   * when it had already reached that far.
   */
  async markDelivered(db: Db, conversationId: number, party: Party, upToId: number) {
    const result = await db.execute(sql`
      update conversation_parties cp set
        last_delivered_message_id = least(${upToId}::bigint, c.last_message_id)
      from conversations c, conversation_parties other
      where c.id = ${conversationId} and cp.conversation_id = c.id and cp.party_type = ${party.partyType}
        and cp.last_delivered_message_id < least(${upToId}::bigint, c.last_message_id)
        and other.conversation_id = c.id and other.party_type <> cp.party_type
      returning ${returned}`)
    const [row] = rowsOf<MovedRow>(result)
    return row && toMoved(row)
  },

  /**
   * Moves a party's read mark forward to `upToId` (at most the newest message) and sets its unread count in
   * O(1): the other side's message count less the rank of the newest of its messages now read. Runs in the
   * caller's transaction. Undefined when the party had already read that far.
   */
  async markRead(tx: Db, conversationId: number, party: Party, upToId: number) {
    // The conversation is share-locked by a statement of its own: the update below then reads, in one
    // snapshot, every reply committed before the lock (counts and messages alike), and no reply can commit
    // until this transaction ends. Locking inside the update itself would pair the newest counts with an
    // older snapshot of the messages.
    await tx.execute(sql`select 1 from conversations where id = ${conversationId} for share`)
    const otherSide = party.partyType === 'customer' ? 'counterparty' : 'customer'
    const otherCount =
      otherSide === 'customer' ? sql`c.customer_message_count` : sql`c.counterparty_message_count`
    const result = await tx.execute(sql`
      with c as (
        select id, company_id, least(${upToId}::bigint, last_message_id) as up_to,
          customer_message_count, counterparty_message_count
        from conversations where id = ${conversationId}
      ), seen as (
        select coalesce((select m.side_seq from messages m, c
          where m.conversation_id = c.id and m.side = ${otherSide} and m.id <= c.up_to
          order by m.id desc limit 1), 0) as seq
      )
      update conversation_parties cp set
        last_read_message_id = c.up_to,
        last_delivered_message_id = greatest(cp.last_delivered_message_id, c.up_to),
        unread_count = greatest(0, ${otherCount} - seen.seq)
      from c, seen, conversation_parties other
      where cp.conversation_id = c.id and cp.party_type = ${party.partyType} and cp.last_read_message_id < c.up_to
        and other.conversation_id = c.id and other.party_type <> cp.party_type
      returning ${returned}`)
    const [row] = rowsOf<MovedRow>(result)
    return row && toMoved(row)
  },
}
