import type { Db } from '../../db/client.ts'
import type { Notifier } from '../../db/notifier.ts'
import { FieldErrors, type FieldProblems, idempotencyMismatch } from '../errors.ts'
import { announceEvents } from '../events/events-repository.ts'
import { inboxOf, partyKey } from '../events/party.ts'
import type { Actor } from '../principal.ts'
import type { SettingsService } from '../settings/settings-service.ts'
import type { Upload } from '../upload.ts'
import { checkAttachment } from './attachment-check.ts'
import { composeContactEmails } from './contact-emails.ts'
import { nextContactId } from './contact-ids.ts'
import { localize } from './language.ts'
import { subjectsRepository } from './subjects-repository.ts'
import { submissionRepository } from './submission-repository.ts'

/** A contact-us form as a client sent it; fields a surface already found invalid are left out. */
export type ContactUsInput = {
  subject?: number
  fullName?: string
  email?: string
  phone?: string
  message?: string
  order?: number
  operation?: string
  file?: Upload
}

/** A client's key for a form it may send again, and the fingerprint of the form sent with it. */
export type Idempotency = { key: string; fingerprint: string }

const splitName = (fullName: string) => {
  const [first = '', ...rest] = fullName.trim().split(/\s+/)
  return { firstName: first, lastName: rest.join(' ') }
}

export function createContactsService(deps: {
  db: Db
  /** Called once a submission's emails are queued and committed, so that a worker delivers them. */
  wakeOutbox: () => void
  /** Called once a submission's webhooks are queued and committed. */
  wakeWebhooks: () => void
  settings: SettingsService
  mailDomain: string
  /** Tells the staff's streams of a new contact once it has committed. */
  notifier: Notifier
}) {
  const { db } = deps

  return {
    async listSubjects(companyId: number, languages: string[]) {
      const subjects = await subjectsRepository.list(db, companyId)
      return subjects.map((subject) => ({
        id: subject.id,
        text: localize(subject.texts, subject.defaultLanguage, languages),
        isOrderNeeded: subject.isOrderNeeded,
      }))
    },

    /**
     * Stores a contact-us submission and queues its emails and webhooks in the same statement, so an accepted form is
     * never lost nor mailed twice. Every problem with the form is reported at once. A form sent again with
     * the idempotency key of a stored one is answered as that one was, and stores and mails nothing.
     */
    async submit(
      actor: Actor,
      input: ContactUsInput,
      priorErrors: FieldProblems = {},
      idempotency?: Idempotency,
    ) {
      const customerId = actor.principal?.userId
      // A key is the sender's own: a signed-in user's, or one any guest may send.
      const key =
        idempotency && `${customerId === undefined ? 'guest' : `user:${customerId}`}:${idempotency.key}`
      const storedAlready = async () => {
        if (!key || !idempotency) return false
        const stored = await submissionRepository.storedFingerprint(db, actor.companyId, key)
        if (stored !== undefined && stored !== idempotency.fingerprint) throw idempotencyMismatch()
        return stored !== undefined
      }
      if (await storedAlready()) return
      const errors = new FieldErrors(priorErrors)
      const context = await submissionRepository.context(
        db,
        actor.companyId,
        input.subject,
        input.order === undefined || customerId === undefined
          ? undefined
          : { customerId, orderId: input.order },
      )
      const { subject, order } = context
      const settings = deps.settings.fromOverrides(context.settingOverrides)
      if (input.subject !== undefined && !subject)
        errors.add('subject', { code: 'does_not_exist', pk: input.subject })
      if (input.order !== undefined && !order)
        errors.add('order', { code: 'does_not_exist', pk: input.order })
      if (subject?.isOrderNeeded && input.order === undefined && !errors.has('order')) {
        errors.add('order', { code: 'required' })
      }

      const operation = input.operation ?? 'default'
      if (input.operation !== undefined && !(input.operation in settings.CONTACT_US_EMAIL_TO)) {
        errors.add('operation', { code: 'invalid_choice', value: input.operation })
      }

      const attachment = input.file ? checkAttachment(input.file, settings) : undefined
      if (attachment && 'problem' in attachment) errors.add('file', attachment.problem)
      errors.throwIfAny()
      if (!subject || input.fullName === undefined || input.email === undefined) {
        throw new Error('a surface passed a contact without its required fields')
      }

      const stored =
        input.file && attachment && 'contentType' in attachment
          ? {
              key: await input.file.keep(),
              filename: input.file.filename,
              contentType: attachment.contentType,
              size: input.file.size,
            }
          : null
      const fullName = input.fullName.trim()
      const subjectText = localize(subject.texts, subject.defaultLanguage, [])
      const contact = {
        id: await nextContactId(db),
        companyId: actor.companyId,
        source: 'contact_us',
        subjectId: subject.id,
        subject: subjectText,
        message: input.message ?? '',
        ...splitName(fullName),
        email: input.email,
        mobileNumber: input.phone ?? '',
        orderId: order?.id ?? null,
        operation,
        userId: customerId ?? null,
        attachment: stored,
        idempotencyKey: key ?? null,
        requestHash: idempotency?.fingerprint ?? null,
      }
      const emails = composeContactEmails(
        {
          id: contact.id,
          subject: subjectText,
          fullName,
          email: contact.email,
          phone: contact.mobileNumber,
          message: contact.message,
          orderNumber: order ? order.number || String(order.id) : null,
          operation,
          attachment: stored && {
            filename: stored.filename,
            contentType: stored.contentType,
            blobKey: stored.key,
          },
        },
        settings,
        deps.mailDomain,
        actor.principal?.email ?? null,
      )
      const { written, queued, webhooks } = await submissionRepository.insert(db, contact, emails)
      // A concurrent retry stored the form first: this one is the same form, or it is refused.
      if (!written) await storedAlready()
      if (queued > 0) deps.wakeOutbox()
      if (written) announceEvents(deps.notifier, { eventKeys: partyKey(inboxOf(contact.companyId)) })
      if (webhooks > 0) deps.wakeWebhooks()
    },
  }
}

export type ContactsService = ReturnType<typeof createContactsService>
