import { and, gt, inArray, lt, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { events } from '../../db/schema/index.ts'
import { type Party, partyKey } from './party.ts'

export const EVENTS_CHANNEL = 'parley_events'

export type StoredEvent = { id: number; type: string; payload: unknown; createdAt: Date }

/** One event for one party. */
export type PartyEvent = { party: Party; type: string; payload: unknown }

export const eventsRepository = {
  /**
   * Records an event for each party in the caller's transaction; the notification naming the parties is
   * delivered when it commits, so no stream sees an event of a change that rolled back.
   */
  async record(db: Db, companyId: number, parties: Party[], type: string, payload: unknown) {
    await eventsRepository.recordEach(
      db,
      companyId,
      parties.map((party) => ({ party, type, payload })),
    )
  },

  /**
   * Records events that differ per party (as a conversation's unread count does) like `record`: the rows and
   * the notification in one statement, so a message's events cost its transaction one round trip.
   */
  async recordEach(db: Db, companyId: number, list: PartyEvent[]) {
    if (list.length === 0) return
    const rows = list.map(
      ({ party, type, payload }) =>
        sql`(${companyId}::bigint, ${party.partyType}::text, ${party.partyId}::bigint, ${type}::text, ${JSON.stringify(payload)}::jsonb)`,
    )
    const keys = [...new Set(list.map(({ party }) => partyKey(party)))].join(' ')
    await db.execute(sql`
      with inserted as (
        insert into ${events} (company_id, party_type, party_id, type, payload)
        values ${sql.join(rows, sql`, `)}
        returning 1
      )
      select pg_notify(${EVENTS_CHANNEL}, ${keys}) from (select count(*) from inserted) as written`)
  },

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

  async latestId(db: Db): Promise<number> {
    const [row] = await db.select({ id: sql<number>`coalesce(max(${events.id}), 0)::int8` }).from(events)
    return Number(row?.id ?? 0)
  },

  async purgeBefore(db: Db, cutoff: Date) {
    await db.delete(events).where(lt(events.createdAt, cutoff))
  },
}
