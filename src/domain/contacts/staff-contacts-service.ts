import type { Readable } from 'node:stream'
import type { Db } from '../../db/client.ts'
import type { BlobStore } from '../../infra/blobs/blob-store.ts'
import { FieldErrors, notFound } from '../errors.ts'
import type { Principal } from '../principal.ts'
import { requireStaff } from '../staff-policy.ts'
import { type ContactText, cleanContactText } from './contact-fields.ts'
import { type ContactQuery, type ContactRow, contactsRepository } from './contacts-repository.ts'

export type StaffContact = ContactRow

export type ContactChanges = ContactText & { viewed?: boolean }

/**
 * The staff's record of contacts: contact-us submissions and contacts staff make themselves. Every
 * operation is scoped to the principal's company; another company's contact is as absent as a missing one.
 */
export function createStaffContactsService(deps: { db: Db; blobs: BlobStore }) {
  const { db } = deps

  async function record(companyId: number, id: number): Promise<StaffContact> {
    const row = await contactsRepository.findById(db, companyId, id)
    if (!row) throw notFound()
    return row
  }

  return {
    /** Makes a contact; `viewed: true` makes it one already seen, as of now. */
    async create(principal: Principal, input: ContactChanges, priorErrors: Record<string, string[]> = {}) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const { viewed, ...given } = input
      const text = cleanContactText(given, errors)
      errors.throwIfAny()
      if (text.subject === undefined) throw new Error('a surface passed a contact without its subject')
      const contact = await contactsRepository.insert(db, {
        companyId: principal.companyId,
        source: 'staff',
        subject: text.subject,
        message: text.message ?? '',
        firstName: text.firstName ?? '',
        lastName: text.lastName ?? '',
        email: text.email ?? '',
        mobileNumber: text.mobileNumber ?? '',
        userId: null,
        ...(viewed ? { viewed: true, viewedAt: new Date() } : {}),
      })
      return record(principal.companyId, contact.id)
    },

    async list(principal: Principal, query: ContactQuery) {
      requireStaff(principal)
      const { rows, total } = await contactsRepository.pageWithTotal(db, principal.companyId, query)
      return { total, contacts: rows }
    },

    /** A contact as staff open it: the first opening marks it viewed. */
    async open(principal: Principal, id: number): Promise<StaffContact> {
      requireStaff(principal)
      await contactsRepository.markViewed(db, principal.companyId, id)
      return record(principal.companyId, id)
    },

    /** Edits a contact; `viewed: false` marks it unread again and forgets when it was viewed. */
    async update(
      principal: Principal,
      id: number,
      changes: ContactChanges,
      priorErrors: Record<string, string[]> = {},
    ): Promise<StaffContact> {
      requireStaff(principal)
      if (!(await contactsRepository.findById(db, principal.companyId, id))) throw notFound()
      const errors = new FieldErrors(priorErrors)
      const { viewed, ...text } = changes
      const cleaned = cleanContactText(text, errors)
      errors.throwIfAny()
      if (!(await contactsRepository.update(db, principal.companyId, id, cleaned, viewed))) throw notFound()
      return record(principal.companyId, id)
    },

    async remove(principal: Principal, id: number): Promise<void> {
      requireStaff(principal)
      if (!(await contactsRepository.delete(db, principal.companyId, id))) throw notFound()
    },

    /** The file sent with a contact-us submission, for staff to download. */
    async attachment(
      principal: Principal,
      id: number,
    ): Promise<{ filename: string; contentType: string; size: number; open: () => Readable }> {
      requireStaff(principal)
      const contact = await contactsRepository.findById(db, principal.companyId, id)
      const stored = contact?.attachment
      if (!stored) throw notFound()
      return {
        filename: stored.filename,
        contentType: stored.contentType,
        size: stored.size,
        open: () => deps.blobs.stream(stored.key),
      }
    },
  }
}

export type StaffContactsService = ReturnType<typeof createStaffContactsService>
