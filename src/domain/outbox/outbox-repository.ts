import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { outbox } from '../../db/schema/index.ts'

export type OutboxKind = 'email'
export type ClaimedEntry = { id: number; kind: OutboxKind; payload: unknown; attempts: number }

/** How one email of a contact is doing, as staff see it. */
export type EmailDelivery = {
  id: number
  contactId: number
  to: string[]
  status: string
  attempts: number
  lastError: string | null
  createdAt: Date
  sentAt: Date | null
}

export const OUTBOX_CHANNEL = 'parley_outbox'

export const outboxRepository = {
  /**
   * Queues side effects and wakes the workers when the statement commits. `alongWith`, a data-modifying
   * statement (the row the entries are about), runs in the same statement: both are written or neither, with
   * no transaction and one round trip.
   */
  async enqueue(
    db: Db,
    entries: { companyId: number; kind: OutboxKind; payload: unknown; contactId?: number }[],
    alongWith?: SQL,
  ) {
    if (entries.length === 0 && !alongWith) return
    const rows = entries.map(
      ({ companyId, kind, payload, contactId }) =>
        sql`(${companyId}::bigint, ${kind}::text, ${JSON.stringify(payload)}::jsonb, ${contactId ?? null}::bigint)`,
    )
    const inserted =
      rows.length === 0
        ? sql`select 1 where false`
        : sql`insert into ${outbox} (company_id, kind, payload, contact_id) values ${sql.join(rows, sql`, `)}
          returning 1`
    await db.execute(sql`
      with ${alongWith ? sql`written as (${alongWith}), ` : sql``}inserted as (${inserted})
      select pg_notify(${OUTBOX_CHANNEL}, '') from (select count(*) from inserted) as queued`)
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

  /** The emails of these contacts, oldest first: one query for a whole page of contacts. */
  async deliveriesOf(db: Db, companyId: number, contactIds: number[]): Promise<EmailDelivery[]> {
    if (contactIds.length === 0) return []
    const rows = await db
      .select({
        id: outbox.id,
        contactId: outbox.contactId,
        to: sql<string[]>`coalesce(${outbox.payload}->'to', '[]'::jsonb)`,
        status: outbox.status,
        attempts: outbox.attempts,
        lastError: outbox.lastError,
        createdAt: outbox.createdAt,
        sentAt: outbox.sentAt,
      })
      .from(outbox)
      .where(and(eq(outbox.companyId, companyId), inArray(outbox.contactId, contactIds)))
      .orderBy(asc(outbox.id))
    return rows.flatMap((row) => (row.contactId === null ? [] : [{ ...row, contactId: row.contactId }]))
  },
}
