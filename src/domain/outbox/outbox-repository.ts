import { and, eq, inArray, type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { outbox } from '../../db/schema/index.ts'
import type { EmailPayload } from './email.ts'

export type OutboxKind = 'email'
export type ClaimedEntry = { id: number; kind: OutboxKind; payload: unknown; attempts: number }

/** A send that failed: why, and when to try again (null: never). */
export type DeliveryFailure = { id: number; error: string; retryInMs: number | null }

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

type DeliveryJson = Omit<EmailDelivery, 'createdAt' | 'sentAt'> & { createdAt: string; sentAt: string | null }

export const OUTBOX_CHANNEL = 'parley_outbox'

export const outboxRepository = {
  /**
   * A data-modifying statement, for a CTE beside the row the emails are about, so both are written or
   * neither in one round trip: queues one email per element of the JSON array `payloads`. Its text is the
   * same however many there are, so the statement around it can be prepared once. Returns a row per email;
   * once they have committed, `OUTBOX_CHANNEL` wakes the workers.
   */
  queueEmails: (companyId: SQL, contactId: SQL, payloads: SQL) =>
    sql`insert into ${outbox} (company_id, kind, payload, contact_id)
      select ${companyId}, 'email', payload, ${contactId} from jsonb_array_elements(${payloads}) payload
      returning 1`,

  /** Queues one email of a contact in the caller's transaction; returns its id. */
  async queueEmail(db: Db, companyId: number, contactId: number, payload: EmailPayload): Promise<number> {
    const [row] = await db
      .insert(outbox)
      .values({ companyId, kind: 'email', payload, contactId })
      .returning({ id: outbox.id })
    if (!row) throw new Error('insert returned no row')
    return row.id
  },

  /**
   * The Message-ID of the email a contact-us form sent the staff, which answers to its sender are threaded
   * to: the contact's first email that is neither the sender's copy nor an answer (emails queued before
   * they were marked so are the staff's when first).
   */
  async staffMessageIdOf(db: Db, contactId: number): Promise<string | undefined> {
    const [row] = await db
      .select({ messageId: sql<string>`${outbox.payload} ->> 'messageId'` })
      .from(outbox)
      .where(
        and(
          eq(outbox.contactId, contactId),
          eq(outbox.kind, 'email'),
          sql`coalesce(${outbox.payload} ->> 'purpose', 'staff') = 'staff'`,
        ),
      )
      .orderBy(outbox.id)
      .limit(1)
    return row?.messageId
  },

  /**
   * Queues a failed email of a contact again, with its attempts counted afresh. Undefined when the contact
   * has no such email; `sent: false` with the email when it is not a failed one.
   */
  async retryFailed(db: Db, companyId: number, contactId: number, emailId: number) {
    const ofContact = and(
      eq(outbox.id, emailId),
      eq(outbox.companyId, companyId),
      eq(outbox.contactId, contactId),
      eq(outbox.kind, 'email'),
    )
    const [retried] = await db
      .update(outbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()` })
      .where(and(ofContact, eq(outbox.status, 'failed')))
      .returning({ id: outbox.id })
    const [found] = await db
      .select({
        id: outbox.id,
        contactId: outbox.contactId,
        to: sql<string[]>`coalesce(${outbox.payload} -> 'to', '[]'::jsonb)`,
        status: outbox.status,
        attempts: outbox.attempts,
        lastError: outbox.lastError,
        createdAt: outbox.createdAt,
        sentAt: outbox.sentAt,
      })
      .from(outbox)
      .where(ofContact)
    const delivery: EmailDelivery | undefined = found && { ...found, contactId }
    return delivery && { retried: retried !== undefined, delivery }
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

  /** Pushes the lease of entries still pending `leaseMs` into the future again, from now. */
  async extendLease(db: Db, ids: number[], leaseMs: number) {
    await db
      .update(outbox)
      .set({ nextAttemptAt: sql`now() + ${leaseMs} * interval '1 millisecond'` })
      .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending')))
  },

  async countPending(db: Db): Promise<number> {
    const [row] = rowsOf<{ count: number }>(
      await db.execute(sql`select count(*)::int as count from ${outbox} where status = 'pending'`),
    )
    return row?.count ?? 0
  },

  /** Per kind, how many entries wait to be delivered and how long the oldest of them has waited. */
  async backlog(db: Db): Promise<{ kind: string; queued: number; oldestSeconds: number }[]> {
    const result = await db.execute(sql`
      select kind, count(*)::int as queued, extract(epoch from now() - min(created_at))::float8 as "oldestSeconds"
      from ${outbox} where status = 'pending' group by kind`)
    return rowsOf(result)
  },

  async markSent(db: Db, ids: number[]) {
    if (ids.length === 0) return
    await db
      .update(outbox)
      .set({ status: 'sent', sentAt: sql`now()`, lastError: null })
      .where(inArray(outbox.id, ids))
  },

  /**
   * Records a batch's failed sends in one statement: each is tried again after its own delay, or given up on
   * (`retryInMs` null).
   */
  async markFailed(db: Db, failures: DeliveryFailure[]) {
    if (failures.length === 0) return
    await db.execute(sql`
      update ${outbox} set last_error = f.error,
        status = case when f."retryInMs" is null then 'failed' else ${outbox.status} end,
        next_attempt_at = coalesce(now() + f."retryInMs" * interval '1 millisecond', ${outbox.nextAttemptAt})
      from jsonb_to_recordset(${JSON.stringify(failures)}::jsonb) as f(id bigint, error text, "retryInMs" bigint)
      where ${outbox.id} = f.id`)
  },

  /**
   * The emails of the contact whose id is `contactId` (a column of the enclosing query), oldest first, as one
   * JSON array: a page of contacts reads its emails in the same statement. See deliveriesFromJson.
   */
  deliveriesJson: (contactId: SQLWrapper) =>
    sql<DeliveryJson[]>`(select coalesce(json_agg(json_build_object('id', o.id, 'contactId', o.contact_id,
        'to', coalesce(o.payload -> 'to', '[]'::jsonb), 'status', o.status, 'attempts', o.attempts,
        'lastError', o.last_error, 'createdAt', o.created_at, 'sentAt', o.sent_at) order by o.id), '[]')
      from ${outbox} o where o.contact_id = ${contactId})`,

  deliveriesFromJson: (emails: DeliveryJson[]): EmailDelivery[] =>
    emails.map((email) => ({
      ...email,
      createdAt: new Date(email.createdAt),
      sentAt: email.sentAt === null ? null : new Date(email.sentAt),
    })),
}
