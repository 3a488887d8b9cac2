import type { Db } from '../../../db/client.ts'
import type { Notifier } from '../../../db/notifier.ts'
import type { BlobStore } from '../../../infra/blobs/blob-store.ts'
import { checkAssignee } from '../../accounts/assignee-check.ts'
import { cappedCount } from '../../capped-count.ts'
import { DomainError, FieldErrors, type FieldProblems, notFound } from '../../errors.ts'
import { announceEvents } from '../../events/events-repository.ts'
import { recordStaffEvent } from '../../events/staff-events.ts'
import { requireStaff } from '../../policy/staff.ts'
import type { Principal } from '../../principal.ts'
import { conversationsRepository } from '../engine/conversations-repository.ts'
import type { ConversationsService } from '../engine/conversations-service.ts'
import { messagesRepository } from '../engine/messages-repository.ts'
import type { ConversationView, MessageView, PartyStates } from '../types.ts'
import { countUpToOf, type InboxQuery } from './inbox-filters.ts'
import { type InboxExtras, inboxRepository, type Note } from './inbox-repository.ts'
import { searchOf } from './inbox-search.ts'

/** A conversation as the staff inbox lists it: its view and the staff's extras. */
export type InboxListed = ConversationView & InboxExtras

/** A conversation as the staff inbox shows it: as listed, with both parties' read states. */
export type InboxConversation = InboxListed & PartyStates

/** A conversation opened in the inbox: its newest messages, oldest first, and its notes. */
export type InboxThread = { conversation: InboxConversation; messages: MessageView[]; notes: Note[] }

/** The changes staff make to a conversation; fields a surface already found invalid are left out. */
export type InboxChanges = { status?: string; assignee?: number | null; archived?: boolean }

/** The longest note, reply and deletion reason staff may write. */
export const INBOX_TEXT_MAX = 10_000
/** How many of a thread's newest messages the inbox shows. */
export const THREAD_MESSAGES = 1000

const SETTABLE_STATUSES = ['open', 'answered', 'archived']

/**
 * How far the list counts its conversations, and the staff's unread ones: past this, it says only that more
 * follow, so a page costs the same at a hundred thousand conversations as at a thousand.
 */
export const INBOX_COUNT_BOUND = 1_000
/**
 * How far a search counts its matches. Testing a conversation for a term costs more than counting it, so a
 * search stops sooner; past a few pages of matches, staff narrow the search rather than page on.
 */
export const INBOX_SEARCH_COUNT_BOUND = 100

const NOBODY: InboxExtras = { assignee: null, unreadCount: 0 }

/** Text staff write: trimmed, required, not blank, not too long; problems go to `errors`. */
function staffText(field: string, value: string | undefined, errors: FieldErrors): string {
  const text = value?.trim() ?? ''
  if (errors.has(field)) return text
  if (value === undefined) errors.add(field, { code: 'required' })
  else if (text === '') errors.add(field, { code: 'blank' })
  else if (text.length > INBOX_TEXT_MAX) errors.add(field, { code: 'max_length', max: INBOX_TEXT_MAX })
  return text
}

/**
 * The shop's staff inbox over every surface's conversations of their company: a filtered list, a thread
 * with internal notes, assignment, status, replies as the shop's staff and the staff's own read mark.
 * Messages go through the engine, so each party sees a staff reply on its own surface; notes and
 * assignment are recorded for the staff's stream only.
 */
export function createStaffInboxService(deps: {
  db: Db
  notifier: Notifier
  engine: ConversationsService
  blobs: BlobStore
}) {
  const { db, notifier, engine } = deps

  async function withExtras(views: (ConversationView & PartyStates)[]): Promise<InboxConversation[]> {
    const extras = await inboxRepository.extras(
      db,
      views.map((view) => view.id),
    )
    return views.map((view) => ({ ...view, ...(extras.get(view.id) ?? NOBODY) }))
  }

  /** One conversation of the company, deleted ones included unless `live`; not_found for any other. */
  async function conversation(principal: Principal, id: number, live = false): Promise<InboxConversation> {
    const view = await conversationsRepository.findCompanyView(db, principal.companyId, id, !live)
    if (!view) throw notFound()
    const [shown] = await withExtras([view])
    if (!shown) throw notFound()
    return shown
  }

  async function tellStaff(companyId: number, type: 'conversation.updated', payload: object) {
    announceEvents(notifier, { eventKeys: await recordStaffEvent(db, companyId, type, { ...payload }) })
  }

  return {
    async list(principal: Principal, query: InboxQuery) {
      requireStaff(principal)
      const bound = query.searchTerms.length > 0 ? INBOX_SEARCH_COUNT_BOUND : INBOX_COUNT_BOUND
      const upTo = countUpToOf(query, bound)
      const search = query.searchTerms.length > 0 ? await searchOf(db, query.searchTerms) : undefined
      const { views, matched, unread } = await inboxRepository.list(db, principal.companyId, query, search, {
        upTo,
        unreadUpTo: INBOX_COUNT_BOUND + 1,
      })
      return {
        items: views,
        count: cappedCount(matched, upTo - 1),
        unread: cappedCount(unread, INBOX_COUNT_BOUND),
      }
    },

    async thread(principal: Principal, id: number): Promise<InboxThread> {
      requireStaff(principal)
      const shown = await conversation(principal, id)
      const [thread, notes] = await Promise.all([
        messagesRepository.list(db, id, { limit: THREAD_MESSAGES }),
        inboxRepository.notes(db, id),
      ])
      return { conversation: shown, messages: thread, notes }
    },

    /**
     * Changes status, assignee and archiving together. `open` clears answered and archived, `answered` sets
     * answered and clears archived, `archived` archives; archiving tells both parties, as the engine does.
     */
    async update(principal: Principal, id: number, changes: InboxChanges, priorErrors: FieldProblems = {}) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const { status, assignee, archived } = changes
      if (status !== undefined && !errors.has('status') && !SETTABLE_STATUSES.includes(status)) {
        errors.add('status', { code: 'invalid_choice', value: status })
      }
      await checkAssignee(db, principal.companyId, assignee, errors)
      const current = await conversation(principal, id)
      errors.throwIfAny()
      const archiving = archived ?? (status === undefined ? undefined : status === 'archived')
      if (current.deleted && (archiving !== undefined || status !== undefined)) {
        throw new DomainError('validation', { code: 'deleted_is_final' })
      }
      if (archiving !== undefined && archiving !== current.archived) {
        await engine.setArchived(principal, id, archiving)
      }
      if (status === 'open' || status === 'answered') {
        await inboxRepository.setAnswered(db, principal.companyId, id, status === 'answered')
      }
      if (assignee !== undefined) await inboxRepository.assign(db, principal.companyId, id, assignee)
      const shown = await conversation(principal, id)
      await tellStaff(principal.companyId, 'conversation.updated', {
        conversationId: id,
        ...(status === undefined && archiving === undefined
          ? {}
          : { archived: shown.archived, isAnswered: shown.isAnswered }),
        ...(assignee === undefined ? {} : { assigneeId: assignee }),
      })
      return shown
    },

    /** Soft-deletes a conversation, with the reason staff give: it leaves every party's surface. */
    async remove(
      principal: Principal,
      id: number,
      reason: string | undefined,
      priorErrors: FieldProblems = {},
    ) {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const why = staffText('reason', reason, errors)
      await conversation(principal, id, true)
      errors.throwIfAny()
      await engine.softDelete(principal, id, why)
      await tellStaff(principal.companyId, 'conversation.updated', { conversationId: id, deleted: true })
    },

    /**
     * A reply as the shop's staff, through the engine: the customer sees it unread on their surface, a
     * seller's members on theirs. Writing it, the staff have read the conversation.
     */
    async reply(principal: Principal, id: number, text: string | undefined, priorErrors: FieldProblems = {}) {
      requireStaff(principal)
      await conversation(principal, id, true)
      const outcome = await engine.postMessage(
        principal,
        { conversationId: id, sender: { as: 'staff' }, ...(text === undefined ? {} : { text }) },
        { priorErrors },
      )
      if (outcome.messageId === null) throw new Error('a staff reply was posted without a message')
      await inboxRepository.markReadByStaff(db, principal.companyId, id)
      const [message] = await messagesRepository.list(db, id, { limit: 1, afterId: outcome.messageId - 1 })
      if (!message) throw new Error(`message ${outcome.messageId} vanished after posting`)
      return { message, conversation: await conversation(principal, id) }
    },

    /** An internal note: recorded for the staff's stream only, never a party's. */
    async addNote(
      principal: Principal,
      id: number,
      body: string | undefined,
      priorErrors: FieldProblems = {},
    ): Promise<Note> {
      requireStaff(principal)
      const errors = new FieldErrors(priorErrors)
      const text = staffText('body', body, errors)
      await conversation(principal, id)
      errors.throwIfAny()
      const { companyId, userId } = principal
      const { noteId, eventKeys } = await db.transaction(async (tx) => {
        const noteId = await inboxRepository.insertNote(tx, {
          companyId,
          conversationId: id,
          authorId: userId,
          body: text,
        })
        const eventKeys = await recordStaffEvent(tx, companyId, 'note.created', {
          id: noteId,
          conversationId: id,
        })
        return { noteId, eventKeys }
      })
      announceEvents(notifier, { eventKeys })
      const note = (await inboxRepository.notes(db, id)).find((one) => one.id === noteId)
      if (!note) throw new Error(`note ${noteId} vanished after it was written`)
      return note
    },

    /** The image of a message of one of the company's conversations, with its content. */
    async messageImage(principal: Principal, id: number, messageId: number) {
      requireStaff(principal)
      await conversation(principal, id)
      const [message] = await messagesRepository.list(db, id, { limit: 1, afterId: messageId - 1 })
      const image = message?.id === messageId ? message.image : null
      const content = image && (await deps.blobs.read(image.key))
      if (!image || !content) throw notFound()
      return { image, content }
    },

    /**
     * The staff have read the conversation: its staff unread count is 0. Where the staff are its
     * counterparty (no seller), their read mark moves too, and the customer gets the receipt.
     */
    async markRead(principal: Principal, id: number) {
      requireStaff(principal)
      if (!(await inboxRepository.markReadByStaff(db, principal.companyId, id))) throw notFound()
      await engine.markRead(principal, id, undefined, 'staff')
      await tellStaff(principal.companyId, 'conversation.updated', {
        conversationId: id,
        staffUnreadCount: 0,
      })
    },
  }
}

export type StaffInboxService = ReturnType<typeof createStaffInboxService>
