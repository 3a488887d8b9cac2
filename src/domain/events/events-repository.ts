import { and, gt, inArray, lt, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { events } from '../../db/schema/index.ts'
import { type Party, partyKey } from './party.ts'

export const EVENTS_CHANNEL = 'parley_events'

export type StoredEvent = { id: number; type: string; payload: unknown; createdAt: Date }

export const eventsRepository = {
  /**
   * Records an event for each party in the caller's transaction; the notification naming the parties is
   * delivered when it commits, so no stream sees an event of a change that rolled back.
   */
  async record(db: Db, companyId: number, parties: Party[], type: string, payload: unknown) {
    if (parties.length === 0) return
    await db.insert(events).values(parties.map((party) => ({ companyId, ...party, type, payload })))
    await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${parties.map(partyKey).join(' ')})`)
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
