import { and, gt, inArray, lt, or, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import type { Notifier } from '../../db/notifier.ts'
import { rowsOf } from '../../db/rows.ts'
import { events, sellerMembers } from '../../db/schema/index.ts'
import { WEBHOOKS_CHANNEL } from '../webhooks/webhook-queue.ts'
import { type Audience, type Party, partyKey } from './party.ts'

export const EVENTS_CHANNEL = 'parley_events'

/**
 * Wakes the streams of the parties a committed write recorded events for (see createNotifier), and the
 * webhook workers when it queued webhook deliveries.
 */
export function announceEvents(
  notifier: Notifier,
  written: { eventKeys: string | null; webhooks?: number } | undefined,
) {
  if (written?.eventKeys) notifier.notify(EVENTS_CHANNEL, written.eventKeys)
  if (written?.webhooks) notifier.notify(WEBHOOKS_CHANNEL, '')
}

export type StoredEvent = { id: number; type: string; payload: unknown; createdAt: Date }

/** One event for one party. */
export type PartyEvent = { party: Audience; type: string; payload: unknown }

/** The newest event's id, 0 before the first: where a stream that resumes from nothing starts. */
const newestEventId = sql`(select coalesce(max(${events.id}), 0) from ${events})::int8`

export const eventsRepository = {
  /**
   * Records an event for each party in the caller's transaction. Returns the parties' keys, for whoever
   * commits it to notify (see createNotifier): no stream is woken for a change that rolled back.
   */
  record(db: Db, companyId: number, parties: Audience[], type: string, payload: unknown): Promise<string> {
    return eventsRepository.recordEach(
      db,
      companyId,
      parties.map((party) => ({ party, type, payload })),
    )
  },

  /** Records events that differ per party (as a conversation's unread count does) like `record`. */
  async recordEach(db: Db, companyId: number, list: PartyEvent[]): Promise<string> {
    if (list.length === 0) return ''
    const rows = list.map(
      ({ party, type, payload }) =>
        sql`(${companyId}::bigint, ${party.partyType}::text, ${party.partyId}::bigint, ${type}::text, ${JSON.stringify(payload)}::jsonb)`,
    )
    await db.execute(sql`insert into ${events} (company_id, party_type, party_id, type, payload)
      values ${sql.join(rows, sql`, `)}`)
    return [...new Set(list.map(({ party }) => partyKey(party)))].join(' ')
  },

  /**
   * A data-modifying statement, for a CTE beside the rows an event is about: one staff event (the company's
   * `inbox`) of `type` per row of `from`, which must name the row's `company_id` as `w.company_id`.
   */
  staffEventsFrom: (type: string, payload: SQL, from: SQL) =>
    sql`insert into ${events} (company_id, party_type, party_id, type, payload)
      select w.company_id, 'inbox', w.company_id, ${type}::text, ${payload} from ${from}
      returning 1`,

  /** The parties' events after `afterId`, oldest first. */
  async since(db: Db, parties: Party[], afterId: number, limit: number): Promise<StoredEvent[]> {
    if (parties.length === 0) return []
    const byType = new Map<string, number[]>()
    for (const party of parties)
      byType.set(party.partyType, [...(byType.get(party.partyType) ?? []), party.partyId])
    const matchesParty = or(
      ...[...byType].map(([partyType, ids]) =>
        and(sql`${events.partyType} = ${partyType}`, inArray(events.partyId, ids)),
      ),
    )
    return db
      .select({ id: events.id, type: events.type, payload: events.payload, createdAt: events.createdAt })
      .from(events)
      .where(and(matchesParty, gt(events.id, afterId)))
      .orderBy(events.id)
      .limit(limit)
  },

  /**
   * What the company's staff see of its events after `afterId`, oldest first, each change once: the inbox's
   * own (which include the messages and updates of a conversation without a customer, see audienceOf); any
   * other conversation's messages and updates as its customer's copy (the counterparty's tells the same);
   * and every read receipt, each recorded for one party only.
   * Walked on the primary key from `afterId`, which a stream keeps near the newest event.
   */
  async staffSince(db: Db, companyId: number, afterId: number, limit: number): Promise<StoredEvent[]> {
    return db
      .select({ id: events.id, type: events.type, payload: events.payload, createdAt: events.createdAt })
      .from(events)
      .where(
        and(
          gt(events.id, afterId),
          sql`${events.companyId} = ${companyId}`,
          sql`(${events.partyType} = 'inbox'
            or (${events.partyType} = 'customer' and ${events.type} in ('message.created', 'conversation.updated'))
            or ${events.type} = 'message.read')`,
        ),
      )
      .orderBy(events.id)
      .limit(limit)
  },

  /**
   * Where a user's stream starts: the sellers the user acts for (whose events it streams besides its own) and
   * the newest event's id, in one statement, as a stream opens: on the embedded database each round trip of
   * an opening stream holds its request's objects past the young generation's collections.
   */
  async streamStartOf(db: Db, userId: number): Promise<{ sellerIds: number[]; latestId: number }> {
    const [row] = rowsOf<{ seller_ids: unknown[]; latest_id: unknown }>(
      await db.execute(sql`select
        array(select ${sellerMembers.sellerId} from ${sellerMembers} where ${sellerMembers.userId} = ${userId}) as seller_ids,
        ${newestEventId} as latest_id`),
    )
    return { sellerIds: (row?.seller_ids ?? []).map(Number), latestId: Number(row?.latest_id ?? 0) }
  },

  async latestId(db: Db): Promise<number> {
    const [row] = rowsOf<{ id: unknown }>(await db.execute(sql`select ${newestEventId} as id`))
    return Number(row?.id ?? 0)
  },

  async purgeBefore(db: Db, cutoff: Date) {
    await db.delete(events).where(lt(events.createdAt, cutoff))
  },
}
