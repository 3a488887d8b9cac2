import type { Readable } from 'node:stream'
import type { Db } from '../../db/client.ts'
import type { Notifier } from '../../db/notifier.ts'
import type { BlobStore } from '../../infra/blobs/blob-store.ts'
import { checkAssignee } from '../accounts/assignee-check.ts'
import { cappedCount } from '../capped-count.ts'
import { DomainError, FieldErrors, type FieldProblems, notFound } from '../errors.ts'
import { announceEvents } from '../events/events-repository.ts'
import { recordStaffEvent } from '../events/staff-events.ts'
import { outboxRepository } from '../outbox/outbox-repository.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { queueContactWebhook, queueReplyWebhook } from '../webhooks/change-events.ts'
import { type ContactText, cleanContactText } from './contact-fields.ts'
import { type ContactQuery, contactListRepository } from './contact-list-repository.ts'
import { contactRepliesRepository } from './contact-replies-repository.ts'
import { composeReplyEmail } from './contact-reply-email.ts'
import {
  CONTACT_STATUSES,
  type ContactRow,
  type ContactStatus,
  contactsRepository,
} from './contacts-repository.ts'

export type StaffContact = ContactRow

export type ContactChanges = ContactText & {
  viewed?: boolean
  status?: string
  /** A staff user's id, or null for nobody. */
  assignee?: number | null
}

/**
 * How far a list counts its matches. Counting every match of a common word among many contacts cost more
 * than the page itself; past this many, a list says only that there are more.
 */
export const CONTACT_COUNT_BOUND = 10_000
/**
 * How far a search counts its matches, as far as the staff inbox's list counts. Counting a term's matches
 * costs testing each against the text: among 50,000 contacts, 6,667 matches of a common word took 25-30 ms to
 * count, the first 1,000 of them 3. Past this many, staff narrow the search rather than page on.
 */
export const CONTACT_SEARCH_COUNT_BOUND = 1_000
/**
 * How far a list counts the company's unviewed contacts, as far as the staff inbox counts its unread
 * conversations: a count of every one cost each list request a read of each (2 ms at 16,667).
 */
export const UNVIEWED_COUNT_BOUND = 1_000

const countBoundOf = (query: ContactQuery) =>
  query.searchTerms.length > 0 ? CONTACT_SEARCH_COUNT_BOUND : CONTACT_COUNT_BOUND

/** The longest answer staff may send. */
export const REPLY_MAX_LENGTH = 10_000

/**
 * The staff's record of contacts: contact-us submissions and contacts staff make themselves, their status,
 * assignee and email answers. Every operation is scoped to the principal's company; another company's
 * contact is as absent as a missing one.
 */
export function createStaffContactsService(deps: {
  db: Db
  blobs: BlobStore
  notifier: Notifier
  wakeOutbox: () => void
  mailDomain: string
}) {
  const { db, notifier } = deps

  async function record(companyId: number, id: number): Promise<StaffContact> {
    const row = await contactsRepository.findById(db, companyId, id)
    if (!row) throw notFound()
    return row
  }

  /** Tells the company's staff stream of a change, once it has committed. */
  async function tellStaff(companyId: number, type: 'contact.created' | 'contact.updated', payload: object) {
    announceEvents(notifier, { eventKeys: await recordStaffEvent(db, companyId, type, { ...payload }) })
  }

  /** The status and assignee among the changes, checked; problems go to `errors`. */
  async function routing(principal: Principal, changes: ContactChanges, errors: FieldErrors) {
    const { status, assignee } = changes
    if (
      status !== undefined &&
      !errors.has('status') &&
      !CONTACT_STATUSES.includes(status as ContactStatus)
    ) {
      errors.add('status', { code: 'invalid_choice', value: status })
    }
    await checkAssignee(db, principal.companyId, assignee, errors)
    return {
      ...(status === undefined ? {} : { status: status as ContactStatus }),
      ...(assignee === undefined ? {} : { assigneeId: assignee }),
    }
  }

  return {
    /** Makes a contact; `viewed: true` makes it one already seen, as of now. */
    async create(principal: Principal, input: ContactChanges, priorErrors: FieldProblems = {}) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const { viewed, status: _status, assignee: _assignee, ...given } = input
      const text = cleanContactText(given, errors)
      const routed = await routing(principal, input, errors)
      errors.throwIfAny()
      const { subject } = text
      if (subject === undefined) throw new Error('a surface passed a contact without its subject')
      const { contact, webhooks } = await db.transaction(async (tx) => {
        const contact = await contactsRepository.insert(tx, {
          companyId: principal.companyId,
          source: 'staff',
          subject,
          message: text.message ?? '',
          firstName: text.firstName ?? '',
          lastName: text.lastName ?? '',
          email: text.email ?? '',
          mobileNumber: text.mobileNumber ?? '',
          userId: null,
          ...routed,
          ...(viewed ? { viewed: true, viewedAt: new Date() } : {}),
        })
        return {
          contact,
          webhooks: await queueContactWebhook(tx, principal.companyId, contact.id, 'contact.created'),
        }
      })
      announceEvents(notifier, { eventKeys: null, webhooks })
      await tellStaff(principal.companyId, 'contact.created', { id: contact.id })
      return record(principal.companyId, contact.id)
    },

    async list(principal: Principal, query: ContactQuery) {
      requireStaff(principal)
      const [{ rows, total, capped }, unviewed] = await Promise.all([
        contactListRepository.page(db, principal.companyId, query, countBoundOf(query)),
        contactsRepository.countUnviewed(db, principal.companyId, UNVIEWED_COUNT_BOUND + 1),
      ])
      return {
        count: { total, capped },
        unviewed: cappedCount(unviewed, UNVIEWED_COUNT_BOUND),
        contacts: rows,
      }
    },

    /** A contact as staff open it: the first opening marks it viewed. */
    async open(principal: Principal, id: number): Promise<StaffContact> {
      requireStaff(principal)
      const { marked, webhooks } = await db.transaction(async (tx) => {
        const marked = await contactsRepository.markViewed(tx, principal.companyId, id)
        const webhooks = marked ? await queueContactWebhook(tx, principal.companyId, id, 'contact.viewed') : 0
        return { marked, webhooks }
      })
      announceEvents(notifier, { eventKeys: null, webhooks })
      const contact = await record(principal.companyId, id)
      if (marked) await tellStaff(principal.companyId, 'contact.updated', { id, viewed: true })
      return contact
    },

    /** Edits a contact; `viewed: false` marks it unread again and forgets when it was viewed. */
    async update(
      principal: Principal,
      id: number,
      changes: ContactChanges,
      priorErrors: FieldProblems = {},
    ): Promise<StaffContact> {
      requireStaff(principal)
      if (!(await contactsRepository.findById(db, principal.companyId, id))) throw notFound()
      const errors = new FieldErrors(priorErrors)
      const { viewed, status: _status, assignee: _assignee, ...text } = changes
      const cleaned = cleanContactText(text, errors)
      const routed = await routing(principal, changes, errors)
      errors.throwIfAny()
      const fields = { ...cleaned, ...routed }
      if (!(await contactsRepository.update(db, principal.companyId, id, fields, viewed))) throw notFound()
      await tellStaff(principal.companyId, 'contact.updated', {
        id,
        ...fields,
        ...(viewed === undefined ? {} : { viewed }),
      })
      return record(principal.companyId, id)
    },

    async remove(principal: Principal, id: number): Promise<void> {
      requireStaff(principal)
      if (!(await contactsRepository.delete(db, principal.companyId, id))) throw notFound()
      await tellStaff(principal.companyId, 'contact.updated', { id, deleted: true })
    },

    /**
     * Answers a contact by email: the answer is kept on the contact with its author, and its email queued in
     * the same transaction, to the contact's address, threaded to the email the staff received.
     */
    async reply(principal: Principal, id: number, body: string | undefined, priorErrors: FieldProblems = {}) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const text = body?.trim() ?? ''
      if (!errors.has('body')) {
        if (body === undefined) errors.add('body', { code: 'required' })
        else if (text === '') errors.add('body', { code: 'blank' })
        else if (text.length > REPLY_MAX_LENGTH)
          errors.add('body', { code: 'max_length', max: REPLY_MAX_LENGTH })
      }
      const contact = await record(principal.companyId, id)
      errors.throwIfAny()
      if (contact.email === '') throw new DomainError('validation', { code: 'contact_has_no_address' })
      const threadRoot = await outboxRepository.staffMessageIdOf(db, id)
      const email = composeReplyEmail(contact, text, threadRoot, deps.mailDomain)
      const { replyId, eventKeys, webhooks } = await db.transaction(async (tx) => {
        const outboxId = await outboxRepository.queueEmail(tx, principal.companyId, id, email)
        const replyId = await contactRepliesRepository.insert(tx, {
          companyId: principal.companyId,
          contactId: id,
          authorId: principal.userId,
          body: text,
          outboxId,
        })
        const eventKeys = await recordStaffEvent(tx, principal.companyId, 'contact.replied', { id, replyId })
        const webhooks = await queueReplyWebhook(tx, principal.companyId, id, replyId)
        return { replyId, eventKeys, webhooks }
      })
      deps.wakeOutbox()
      announceEvents(notifier, { eventKeys, webhooks })
      const reply = (await record(principal.companyId, id)).replies.find((one) => one.id === replyId)
      if (!reply) throw new Error(`reply ${replyId} vanished after it was written`)
      return reply
    },

    /** Queues a contact's failed email again, its attempts counted afresh. */
    async retryEmail(principal: Principal, contactId: number, emailId: number) {
      requireStaff(principal)
      const outcome = await outboxRepository.retryFailed(db, principal.companyId, contactId, emailId)
      if (!outcome) throw notFound()
      if (!outcome.retried) throw new DomainError('validation', { code: 'only_failed_email_resent' })
      deps.wakeOutbox()
      await tellStaff(principal.companyId, 'contact.updated', {
        id: contactId,
        emailId,
        emailStatus: 'pending',
      })
      return outcome.delivery
    },

    /** The file sent with a contact-us submission, for staff to download. */
    async attachment(
      principal: Principal,
      id: number,
    ): Promise<{ filename: string; contentType: string; size: number; content: Readable }> {
      requireStaff(principal)
      const contact = await contactsRepository.findById(db, principal.companyId, id)
      const stored = contact?.attachment
      const content = stored && (await deps.blobs.read(stored.key))
      if (!stored || !content) throw notFound()
      return { filename: stored.filename, contentType: stored.contentType, size: stored.size, content }
    },
  }
}

export type StaffContactsService = ReturnType<typeof createStaffContactsService>
