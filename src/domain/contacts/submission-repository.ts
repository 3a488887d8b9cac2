import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'
import { contacts } from '../../db/schema/index.ts'
import { outboxRepository } from '../outbox/outbox-repository.ts'
import { type SettingOverride, settingsRepository } from '../settings/settings-repository.ts'
import type { NewContact } from './contacts-repository.ts'

/** What a contact-us form is checked against, with the id its contact will have if it is accepted. */
export type SubmissionContext = {
  contactId: number
  subject: {
    id: number
    texts: Record<string, string>
    defaultLanguage: string
    isOrderNeeded: boolean
  } | null
  order: { id: number; number: string } | null
  settingOverrides: SettingOverride[]
}

type ContextRow = Omit<SubmissionContext, 'contactId'> & { contactId: number | string }

/** An email to queue with the contact it is about. */
export type QueuedEmail = { companyId: number; payload: unknown }

/**
 * A submission is two statements, whatever the form holds: one reads everything it is checked against, the
 * other writes it. The contact's id is drawn in the first, so its emails (which name it) are composed before
 * the second writes the contact and queues them together.
 */
export const submissionRepository = {
  async context(
    db: Db,
    companyId: number,
    subjectId: number | undefined,
    order: { customerId: number; orderId: number } | undefined,
  ): Promise<SubmissionContext> {
    const result = await db.execute(sql`
      select nextval(pg_get_serial_sequence('contacts', 'id')) as "contactId",
        (select json_build_object('id', s.id, 'texts', s.texts, 'defaultLanguage', s.default_language,
            'isOrderNeeded', s.is_order_needed)
          from contact_subjects s where s.company_id = ${companyId} and s.id = ${subjectId ?? null}::bigint
        ) as subject,
        -- Another customer's order is as absent as a missing one.
        (select json_build_object('id', o.id, 'number', o.number) from orders o
          where o.company_id = ${companyId} and o.customer_id = ${order?.customerId ?? null}::bigint
            and o.id = ${order?.orderId ?? null}::bigint
        ) as "order",
        ${settingsRepository.overridesJson(companyId)} as "settingOverrides"`)
    const [row] = rowsOf<ContextRow>(result)
    if (!row) throw new Error('the submission context returned no row')
    return { ...row, contactId: Number(row.contactId) }
  },

  /**
   * Writes the contact (with the id its context drew) and queues its emails: both, or neither. Returns how
   * many emails it queued.
   */
  async insert(db: Db, contact: NewContact & { id: number }, emails: QueuedEmail[]) {
    const entries = emails.map((email) => ({ ...email, kind: 'email' as const, contactId: contact.id }))
    return outboxRepository.enqueue(
      db,
      entries,
      db.insert(contacts).overridingSystemValue().values(contact).getSQL(),
    )
  },
}
