import { eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { outbox } from '../../db/schema/index.ts'

export type OutboxKind = 'email'
export type ClaimedEntry = { id: number; kind: OutboxKind; payload: unknown; attempts: number }

export const OUTBOX_CHANNEL = 'parley_outbox'

export const outboxRepository = {
  /** Queues side effects in the caller's transaction and wakes the workers when it commits. */
  async enqueue(
    db: Db,
    entries: { companyId: number; kind: OutboxKind; payload: unknown; contactId?: number }[],
  ) {
    if (entries.length === 0) return
    await db.insert(outbox).values(entries)
    await db.execute(sql`select pg_notify(${OUTBOX_CHANNEL}, '')`)
  },

  /**
   * Takes up to `limit` due entries for this worker. Claimed rows are leased (pushed `leaseMs` into the
   * future) rather than held locked, so an entry whose worker died is retried once the lease runs out.
   */
  async claim(db: Db, limit: number, leaseMs: number): Promise<ClaimedEntry[]> {
    const result = await db.execute(sql`
      update outbox set attempts = attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      where id in (
        select id from outbox
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked
      )
      returning id, kind, payload, attempts`)
    return rowsOf<ClaimedEntry>(result).map((row) => ({ ...row, id: Number(row.id) }))
  },

  async markSent(db: Db, id: number) {
    await db
      .update(outbox)
      .set({ status: 'sent', sentAt: sql`now()`, lastError: null })
      .where(eq(outbox.id, id))
  },

  async markFailed(db: Db, id: number, error: string, retryInMs: number | null) {
    await db
      .update(outbox)
      .set(
        retryInMs === null
          ? { status: 'failed', lastError: error }
          : { lastError: error, nextAttemptAt: sql`now() + ${retryInMs} * interval '1 millisecond'` },
      )
      .where(eq(outbox.id, id))
  },
}
