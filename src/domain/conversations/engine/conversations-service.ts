import type { Db } from '../../../db/client.ts'
import type { Notifier } from '../../../db/notifier.ts'
import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import { DomainError, notFound } from '../../errors.ts'
import { announceEvents } from '../../events/events-repository.ts'
import type { Party } from '../../events/party.ts'
import { personalPartyOf } from '../../policy/parties.ts'
import { requireStaff } from '../../policy/staff.ts'
import type { Principal } from '../../principal.ts'
import { queueConversationWebhook, queueReadWebhook } from '../../webhooks/change-events.ts'
import { markDelivered, markRead } from '../read-state/read-state.ts'
import type {
  ConversationView,
  ConversationViewWithStates,
  MessageView,
  Page,
  PartyStates,
  Perspective,
  ReadState,
  SenderClaim,
  UserType,
} from '../types.ts'
import { appendMessage, newMessage } from './append-message.ts'
import { catalogRepository } from './catalog-repository.ts'
import { recordArchived } from './conversation-events.ts'
import { type CompanyFilters, conversationsRepository } from './conversations-repository.ts'
import { idempotentWrite, type PostOutcome, replayOf, type WriteOptions } from './idempotent-write.ts'
import { type AppendedMessage, messagesRepository } from './messages-repository.ts'
import { checkReply, claimedReply, type Sender } from './posting-rules.ts'
import { planStart, type StartConversationInput } from './start-conversation.ts'

export type { StartConversationInput } from './start-conversation.ts'

/** A message for an existing conversation; fields a surface already found invalid are left out. */
export type PostMessageInput = {
  conversationId?: number
  sender?: SenderClaim
  text?: string
  image?: StoredAttachment
  userType?: UserType
}

export type { PostOutcome, WriteOptions } from './idempotent-write.ts'

const NEWEST = Number.MAX_SAFE_INTEGER

const STAFF_ONLY = { code: 'staff_only' } as const

/** The read state of the party the viewer acts as in a conversation it can see. */
const withViewerState = (
  view: ConversationView & PartyStates,
  principal: Principal,
  perspective: Perspective,
): ConversationViewWithStates => {
  const viewerState =
    perspective === 'personal' && view.customer?.id === principal.userId
      ? view.customerState
      : perspective === 'staff' && view.counterpartyState?.partyType !== 'staff'
        ? null
        : view.counterpartyState
  return { ...view, viewerState }
}

/**
 * The conversation engine behind every surface: customers talk to sellers and to the shop's staff about
 * products and order items. Each operation checks access before any work and writes in one transaction.
 */
export function createConversationsService(db: Db, notifier: Notifier) {
  const append = (
    tx: Db,
    companyId: number,
    conversationId: number,
    sender: Sender,
    input: PostMessageInput,
  ) => appendMessage(tx, newMessage(companyId, conversationId, sender, input))

  /** The party the principal acts as in a conversation, if it takes part in it. */
  async function partyIn(principal: Principal, conversationId: number, perspective: Perspective) {
    const access = await conversationsRepository.findAccess(
      db,
      principal.companyId,
      conversationId,
      principal.userId,
    )
    if (!access) throw notFound()
    if (perspective === 'staff') {
      requireStaff(principal, STAFF_ONLY)
      return { partyType: 'staff', partyId: principal.companyId } satisfies Party
    }
    const party = personalPartyOf(principal, access)
    if (!party) throw notFound()
    return party
  }

  /** One conversation its viewer can see, with the parties' read states; not_found for anyone else. */
  async function getConversation(
    principal: Principal,
    id: number,
    perspective: Perspective = 'personal',
    options: { includeDeleted?: boolean } = {},
  ): Promise<ConversationViewWithStates> {
    if (perspective === 'staff') requireStaff(principal, STAFF_ONLY)
    const view =
      perspective === 'staff'
        ? await conversationsRepository.findCompanyView(
            db,
            principal.companyId,
            id,
            options.includeDeleted ?? false,
          )
        : await conversationsRepository.findPersonalView(db, principal.companyId, id, principal.userId)
    if (!view) throw notFound()
    return withViewerState(view, principal, perspective)
  }

  return {
    /**
     * Opens a conversation (and writes its first message, if any). With `appendToExisting`, a customer who
     * already talks with that seller about that item gets the message added there instead.
     */
    async startConversation(
      principal: Principal,
      input: StartConversationInput,
      options: WriteOptions & { appendToExisting?: boolean } = {},
    ): Promise<PostOutcome> {
      const replay = await replayOf(db, principal, options.idempotency)
      if (replay) return replay
      if (input.deleted) requireStaff(principal, STAFF_ONLY)
      const { conversation, sender } = await planStart(db, principal, input, options.priorErrors ?? {})
      const existing =
        options.appendToExisting && conversation.item && conversation.customerId !== null
          ? await conversationsRepository.findAboutItem(
              db,
              principal.companyId,
              conversation.customerId,
              conversation.sellerId,
              conversation.item,
            )
          : undefined
      let appended: AppendedMessage | undefined
      let webhooks = 0
      const outcome = await idempotentWrite(db, principal, options, async (tx) => {
        webhooks = 0
        if (existing !== undefined) {
          appended = await append(tx, principal.companyId, existing, sender, input)
          return { conversationId: existing, messageId: appended.id, created: false }
        }
        const { id } = await conversationsRepository.insert(tx, conversation)
        webhooks += await queueConversationWebhook(tx, principal.companyId, id, 'conversation.created')
        if (input.deleted) {
          const deletion = { userId: principal.userId, reason: input.deletedReason ?? null }
          await conversationsRepository.softDelete(tx, principal.companyId, id, deletion)
          webhooks += await queueConversationWebhook(tx, principal.companyId, id, 'conversation.deleted')
        }
        const hasMessage = input.text !== undefined || input.image !== undefined
        appended = hasMessage ? await append(tx, principal.companyId, id, sender, input) : undefined
        return { conversationId: id, messageId: appended?.id ?? null, created: true }
      })
      announceEvents(notifier, {
        eventKeys: appended?.eventKeys ?? null,
        webhooks: webhooks + (appended?.webhooks ?? 0),
      })
      return outcome
    },

    /**
     * Adds a message to a conversation the sender takes part in. A reply with nothing to report yet and a
     * claim that holds on its face is one statement: the append itself checks that the sender may write
     * there (see NewMessage's `asReply`), and only a refusal reads what went wrong.
     */
    async postMessage(
      principal: Principal,
      input: PostMessageInput,
      options: WriteOptions = {},
    ): Promise<PostOutcome> {
      const replay = await replayOf(db, principal, options.idempotency)
      if (replay) return replay
      const { conversationId } = input
      const claimed = options.idempotency ? undefined : claimedReply(principal, input, options.priorErrors)
      if (claimed && conversationId !== undefined) {
        const message = await messagesRepository.append(db, {
          ...newMessage(principal.companyId, conversationId, claimed, input),
          asReply: true,
        })
        if (message) {
          announceEvents(notifier, message)
          return { conversationId, messageId: message.id, created: false, replayed: false }
        }
      }
      // Refused by the append, or not to be tried: every rule, read from the database, says what is wrong.
      // Should none fail now (the conversation changed in between), the message goes in as checked.
      const sender = await checkReply(db, principal, input, options.priorErrors)
      if (conversationId === undefined) throw new Error('a surface posted a message without its conversation')
      let appended: AppendedMessage | undefined
      const write = async (tx: Db) => {
        appended = await append(tx, principal.companyId, conversationId, sender, input)
        return { conversationId, messageId: appended.id, created: false }
      }
      // The append is one statement, atomic on its own: only a key to claim needs a transaction around it.
      const outcome = options.idempotency
        ? await idempotentWrite(db, principal, options, write)
        : { ...(await write(db)), replayed: false }
      announceEvents(notifier, appended)
      return outcome
    },

    getConversation,

    /** One conversation with a page of its messages (see messagesPage), for its viewer only: one statement. */
    async getConversationWithMessages(
      principal: Principal,
      id: number,
      page: { limit: number; beforeId?: number; afterId?: number },
      perspective: Perspective = 'personal',
    ): Promise<{ conversation: ConversationView; messages: MessageView[] }> {
      if (perspective === 'staff') requireStaff(principal, STAFF_ONLY)
      const found =
        perspective === 'staff'
          ? await conversationsRepository.findCompanyViewWithMessages(db, principal.companyId, id, page)
          : await conversationsRepository.findPersonalViewWithMessages(
              db,
              principal.companyId,
              id,
              principal.userId,
              page,
            )
      if (!found) throw notFound()
      return { conversation: found.view, messages: found.messages }
    },

    /** The user's conversations as a customer and as a member of its sellers, newest activity first. */
    async listInbox(principal: Principal, page: Page): Promise<{ items: ConversationView[]; total: number }> {
      const { views, total } = await conversationsRepository.personalInbox(
        db,
        principal.companyId,
        principal.userId,
        page,
      )
      return { items: views, total }
    },

    /** The company's conversations for its staff, newest first. */
    async listForCompany(principal: Principal, filters: CompanyFilters, page: Page) {
      requireStaff(principal, STAFF_ONLY)
      const { locationId } = filters
      // Another company's location is an error, not an empty page: the caller named a row it cannot see.
      if (
        locationId !== undefined &&
        !(await catalogRepository.locationExists(db, principal.companyId, locationId))
      ) {
        throw new DomainError(
          'validation',
          { code: 'invalid_input' },
          {
            locationId: [{ code: 'does_not_exist', pk: locationId }],
          },
        )
      }
      const { views, total } = await conversationsRepository.listForCompany(
        db,
        principal.companyId,
        filters,
        page,
      )
      return { items: views, total }
    },

    /** A page of a conversation's messages, oldest first (see messagesRepository.list). */
    async listMessages(
      principal: Principal,
      conversationId: number,
      page: { limit: number; beforeId?: number; afterId?: number },
      perspective: Perspective = 'personal',
    ): Promise<MessageView[]> {
      await partyIn(principal, conversationId, perspective)
      return messagesRepository.list(db, conversationId, page)
    },

    /** Records that the viewer's party has received messages up to `upToId` (default: the newest). */
    async markDelivered(
      principal: Principal,
      conversationId: number,
      upToId = NEWEST,
      perspective: Perspective = 'personal',
    ): Promise<ReadState | undefined> {
      const party = await partyIn(principal, conversationId, perspective)
      const moved = await db.transaction((tx) => markDelivered(tx, conversationId, party, upToId))
      announceEvents(notifier, moved)
      return moved?.state
    },

    /** Records that the viewer's party has read messages up to `upToId` (default: the newest). */
    async markRead(
      principal: Principal,
      conversationId: number,
      upToId = NEWEST,
      perspective: Perspective = 'personal',
    ): Promise<ReadState | undefined> {
      const party = await partyIn(principal, conversationId, perspective)
      const moved = await db.transaction(async (tx) => {
        const read = await markRead(tx, conversationId, party, upToId)
        const { companyId } = principal
        return read && { ...read, webhooks: await queueReadWebhook(tx, companyId, conversationId, party) }
      })
      announceEvents(notifier, moved)
      return moved?.state
    },

    async setArchived(principal: Principal, conversationId: number, archived: boolean) {
      requireStaff(principal, STAFF_ONLY)
      const written = await db.transaction(async (tx) => {
        const { companyId } = principal
        const changed = await conversationsRepository.setArchived(tx, companyId, conversationId, archived)
        if (!changed) throw notFound()
        return {
          eventKeys: await recordArchived(tx, changed, archived),
          webhooks: await queueConversationWebhook(tx, companyId, conversationId, 'conversation.archived'),
        }
      })
      announceEvents(notifier, written)
    },

    /** Hides a conversation from every party and surface; the shop's staff can still list it as deleted. */
    async softDelete(principal: Principal, conversationId: number, reason: string | null = null) {
      requireStaff(principal, STAFF_ONLY)
      const { companyId } = principal
      const webhooks = await db.transaction(async (tx) => {
        const deletion = { userId: principal.userId, reason }
        if (!(await conversationsRepository.softDelete(tx, companyId, conversationId, deletion)))
          throw notFound()
        return queueConversationWebhook(tx, companyId, conversationId, 'conversation.deleted')
      })
      announceEvents(notifier, { eventKeys: null, webhooks })
    },
  }
}

export type ConversationsService = ReturnType<typeof createConversationsService>
