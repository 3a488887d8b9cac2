import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { contacts } from '../../db/schema/index.ts'
import { eventsRepository } from '../events/events-repository.ts'
import { outboxRepository } from '../outbox/outbox-repository.ts'
import { type SettingOverride, settingsRepository } from '../settings/settings-repository.ts'
import { contactData } from '../webhooks/event-data.ts'
import { queueStatements } from '../webhooks/webhook-queue.ts'
import type { NewContact } from './contacts-repository.ts'
import { contextCacheOf, type FormSubject } from './submission-context-cache.ts'

/** What a contact-us form is checked against. */
export type SubmissionContext = {
  subject: FormSubject | null
  order: { id: number; number: string } | null
  settingOverrides: SettingOverride[]
}

/** A contact as the submission writes it: the id drawn for it (see nextContactId), the form's fields and its attachment. */
export type SubmittedContact = { id: number } & Required<
  Pick<
    NewContact,
    | 'companyId'
    | 'source'
    | 'subjectId'
    | 'subject'
    | 'message'
    | 'firstName'
    | 'lastName'
    | 'email'
    | 'mobileNumber'
    | 'orderId'
    | 'operation'
    | 'userId'
    | 'attachment'
    | 'idempotencyKey'
    | 'requestHash'
  >
>

const param = (name: keyof SubmittedContact | 'customerId' | 'emails') => sql.placeholder(name)

function contextStatement(db: Db) {
  const companyId = sql`${param('companyId')}::bigint`
  return db
    .select({
      subject: sql<SubmissionContext['subject']>`(select json_build_object('id', s.id, 'texts', s.texts,
          'defaultLanguage', s.default_language, 'isOrderNeeded', s.is_order_needed)
        from contact_subjects s where s.company_id = ${companyId} and s.id = ${param('subjectId')}::bigint)`,
      // Another customer's order is as absent as a missing one.
      order: sql<SubmissionContext['order']>`(select json_build_object('id', o.id, 'number', o.number)
        from orders o where o.company_id = ${companyId} and o.customer_id = ${param('customerId')}::bigint
          and o.id = ${param('orderId')}::bigint)`,
      settingOverrides: settingsRepository.overridesJson(companyId),
    })
    .from(sql`(select 1) as one`)
    .prepare('submission_context')
}

function idsStatement(db: Db) {
  return db
    .select({ id: sql<number | string>`nextval(pg_get_serial_sequence('contacts', 'id'))` })
    .from(sql`generate_series(1, ${sql.placeholder('count')}::int)`)
    .prepare('contact_ids')
}

function insertStatement(db: Db) {
  const id = sql`${param('id')}::bigint`
  const companyId = sql`${param('companyId')}::bigint`
  const written = db.$with('written', {}).as(sql`
    insert into contacts (id, company_id, source, subject_id, subject, message, first_name, last_name, email,
      mobile_number, order_id, operation, user_id, attachment, idempotency_key, request_hash)
    overriding system value
    values (${id}, ${companyId}, ${param('source')}::text, ${param('subjectId')}::bigint,
      ${param('subject')}::text, ${param('message')}::text, ${param('firstName')}::text,
      ${param('lastName')}::text, ${param('email')}::text, ${param('mobileNumber')}::text,
      ${param('orderId')}::bigint, ${param('operation')}::text, ${param('userId')}::bigint,
      ${param('attachment')}::jsonb, ${param('idempotencyKey')}::text, ${param('requestHash')}::text)
    on conflict (company_id, idempotency_key) where idempotency_key is not null do nothing
    returning *`)
  // A retry that lost the race for its idempotency key writes nothing, so queues nothing either.
  const emails = sql`(select ${param('emails')}::jsonb from written)`
  const queued = db.$with('queued', {}).as(outboxRepository.queueEmails(companyId, id, emails))
  const webhook = queueStatements(
    {
      companyId,
      type: 'contact.created',
      data: contactData('w'),
      orderingKey: sql`'contact:' || w.id`,
      from: sql`written w`,
    },
    'webhook_event',
  )
  const staffEvent = db
    .$with('staff_event', {})
    .as(
      eventsRepository.staffEventsFrom(
        'contact.created',
        sql`jsonb_build_object('id', w.id)`,
        sql`written w`,
      ),
    )
  const webhookEvent = db.$with('webhook_event', {}).as(webhook.event)
  const webhookDeliveries = db.$with('webhook_deliveries_made', {}).as(webhook.deliveries)
  return db
    .with(written, queued, staffEvent, webhookEvent, webhookDeliveries)
    .select({
      written: sql<number | string>`(select count(*) from written)`,
      // Referenced, so that PostgreSQL runs it; a data-modifying CTE runs anyway, this keeps the intent plain.
      staffEvents: sql<number | string>`(select count(*) from staff_event)`,
      queued: sql<number | string>`(select count(*) from queued)`,
      webhooks: sql<number | string>`(select count(*) from webhook_deliveries_made)`,
    })
    .from(sql`(select 1) as one`)
    .prepare('submission_insert')
}

/**
 * A submission reads everything it is checked against, then writes the contact and queues its emails in one
 * statement. The read is skipped when the form names no order and its subject and settings are held (see
 * createContextCache). The contact's id is drawn before the write, from a block of the sequence's values
 * this instance holds, so its emails (which name it) are composed first. The statements are prepared once:
 * their text is the same for every form, the emails going in as one JSON array.
 */
export const submissionRepository = {
  async context(
    db: Db,
    companyId: number,
    subjectId: number | undefined,
    order: { customerId: number; orderId: number } | undefined,
  ): Promise<SubmissionContext> {
    const cache = contextCacheOf(db)
    const held = order === undefined && subjectId !== undefined ? cache.get(companyId, subjectId) : undefined
    if (held) return { ...held, order: null }
    const readStartedAt = cache.readStarts()
    const statement = prepared(db, 'submission_context', contextStatement)
    const [row] = await statement.execute({
      companyId,
      subjectId: subjectId ?? null,
      customerId: order?.customerId ?? null,
      orderId: order?.orderId ?? null,
    })
    if (!row) throw new Error('the submission context returned no row')
    const { subject, settingOverrides } = row
    if (subject && subjectId !== undefined) {
      cache.keep(companyId, subjectId, { subject, settingOverrides }, readStartedAt)
    }
    return row
  },

  /** `count` new contact ids from the contacts' sequence. */
  async drawIds(db: Db, count: number): Promise<number[]> {
    const rows = await prepared(db, 'contact_ids', idsStatement).execute({ count })
    return rows.map((row) => Number(row.id))
  },

  /**
   * Writes the contact and queues its emails, its `contact.created` webhooks and its event for the staff's
   * stream: all, or none, when another
   * contact already holds its idempotency key. Returns whether it wrote, and how many emails and webhook
   * deliveries it queued.
   */
  async insert(db: Db, contact: SubmittedContact, emails: unknown[]) {
    const statement = prepared(db, 'submission_insert', insertStatement)
    const [row] = await statement.execute({
      ...contact,
      attachment: contact.attachment === null ? null : JSON.stringify(contact.attachment),
      emails: JSON.stringify(emails),
    })
    return {
      written: Number(row?.written ?? 0) > 0,
      queued: Number(row?.queued ?? 0),
      webhooks: Number(row?.webhooks ?? 0),
    }
  },

  /** The fingerprint of the form stored under an idempotency key, if one is. */
  async storedFingerprint(db: Db, companyId: number, idempotencyKey: string) {
    const [row] = await db
      .select({ requestHash: contacts.requestHash })
      .from(contacts)
      .where(and(eq(contacts.companyId, companyId), eq(contacts.idempotencyKey, idempotencyKey)))
    return row?.requestHash ?? undefined
  },
}
