import type { Db } from '../../../db/client.ts'
import type { Notifier } from '../../../db/notifier.ts'
import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import type { BlobStore } from '../../../infra/blobs/blob-store.ts'
import { DomainError, FieldErrors, type FieldProblems, notFound, type Problem } from '../../errors.ts'
import { announceEvents } from '../../events/events-repository.ts'
import type { Party } from '../../events/party.ts'
import type { Principal } from '../../principal.ts'
import type { Upload } from '../../upload.ts'
import { appendMessage } from '../engine/append-message.ts'
import type { ConversationsService } from '../engine/conversations-service.ts'
import { type AppendedMessage, messagesRepository } from '../engine/messages-repository.ts'
import { hasContent, requireContent, reviewRefusal } from '../engine/posting-rules.ts'
import { markDelivered } from '../read-state/read-state.ts'
import type { ReadState } from '../types.ts'
import { dialogReadRepository } from './dialog-read-repository.ts'
import {
  type DialogMessage,
  type DialogView,
  factsOf,
  isDialog,
  senderIdOf,
  statesOf,
  toDialogMessage,
  toDialogView,
  viewerStateOf,
} from './dialog-views.ts'
import { type DialogCursor, dialogsRepository } from './dialogs-repository.ts'
import { checkMessageImage } from './message-image.ts'

export type { DialogCursor } from './dialogs-repository.ts'

/**
 * Marketplace dialogs: a buyer and a seller talking about a product, with receipts and unread counts. The
 * same conversations as the engine's, seen by their two parties only; a conversation with the shop's own
 * staff is not a dialog.
 */
export function createDialogsService(deps: {
  db: Db
  notifier: Notifier
  blobs: BlobStore
  engine: ConversationsService
}) {
  const { db, notifier, blobs, engine } = deps

  /** The dialog's view for a party of it; not_found for anyone else and for conversations without a seller. */
  async function viewOf(principal: Principal, id: number) {
    const view = await engine.getConversation(principal, id)
    if (!isDialog(view)) throw notFound()
    return view
  }

  /** The party the user is in a dialog, with what posting needs to know of it; not_found for anyone else. */
  async function partyOf(principal: Principal, id: number) {
    const found = await dialogsRepository.findParty(db, principal.companyId, id, principal.userId)
    if (!found) throw notFound()
    return found
  }

  async function getDialog(principal: Principal, id: number): Promise<DialogView> {
    return toDialogView(factsOf(await viewOf(principal, id)), principal.userId)
  }

  async function storeImage(upload: Upload, contentType: string): Promise<StoredAttachment> {
    const key = await upload.keep()
    return { key, filename: upload.filename, contentType, size: upload.size }
  }

  /** Announces an appended message and answers with it as the dialog shows it. */
  function posted(
    appended: AppendedMessage,
    principal: Principal,
    text: string,
    image: StoredAttachment | null,
  ): DialogMessage {
    announceEvents(notifier, appended)
    return {
      id: appended.id,
      conversationId: appended.conversationId,
      side: appended.side,
      senderId: appended.senderSellerId ?? principal.userId,
      text,
      image,
      createdAt: appended.createdAt,
      // A message just written cannot have reached its recipient yet.
      isDelivered: false,
      isRead: false,
    }
  }

  return {
    /**
     * A buyer opens a dialog with a product's seller, or adds to the one it already has about that product.
     * The product must be published and sold by a seller the buyer does not act for.
     */
    async openDialog(
      principal: Principal,
      input: { productId?: number; text?: string },
      priorErrors: FieldProblems = {},
    ) {
      const prior = { ...priorErrors }
      let productId = input.productId
      if (productId !== undefined) {
        const product = await dialogsRepository.findProduct(db, principal.companyId, productId)
        const problem: Problem | undefined = !product
          ? { code: 'does_not_exist', pk: productId }
          : !product.isPublished
            ? { code: 'product_unpublished' }
            : product.sellerId === null
              ? { code: 'product_without_seller' }
              : undefined
        if (problem) {
          // Reported with the engine's own findings, so the client learns of every problem at once.
          prior.itemId = [...(prior.itemId ?? []), problem]
          productId = undefined
        }
      }
      const item = productId === undefined ? {} : { itemType: 'product' as const, itemId: productId }
      const outcome = await engine.startConversation(
        principal,
        { sender: { as: 'user', userId: principal.userId }, ...item, text: input.text },
        { appendToExisting: true, priorErrors: prior },
      )
      return { created: outcome.created, dialog: await getDialog(principal, outcome.conversationId) }
    },

    getDialog,

    /** The user's dialogs, newest activity first, with its unread messages over all of them. */
    async listDialogs(principal: Principal, page: { limit: number; after?: DialogCursor }) {
      const { companyId, userId } = principal
      const { dialogs, next, totalUnread } = await dialogsRepository.page(db, companyId, userId, page)
      return { items: dialogs.map((dialog) => toDialogView(dialog, userId)), next, totalUnread }
    },

    /**
     * A page of a dialog's messages, oldest first: the newest `limit` before `beforeId`. Fetching them is
     * receiving them: the viewer's delivered mark moves up to the newest of the other side's on the page.
     */
    async listMessages(principal: Principal, id: number, page: { limit: number; beforeId?: number }) {
      const [view, list] = await Promise.all([viewOf(principal, id), messagesRepository.list(db, id, page)])
      const states = statesOf(view)
      const mine = viewerStateOf(view.customer.id, view, principal.userId)
      const mySide = mine?.partyType === 'customer' ? 'customer' : 'counterparty'
      const received = list.filter((message) => message.side !== mySide).at(-1)?.id ?? 0
      if (mine && received > mine.lastDeliveredMessageId) {
        const party: Party = { partyType: mine.partyType, partyId: mine.partyId }
        const moved = await db.transaction((tx) => markDelivered(tx, id, party, received))
        announceEvents(notifier, moved)
        if (moved) states[mySide] = moved.state
      }
      return {
        messages: list.map((message) =>
          toDialogMessage({ ...message, senderId: senderIdOf(message) }, states),
        ),
        nextBeforeId: list.length === page.limit ? (list[0]?.id ?? null) : null,
      }
    },

    /**
     * Adds a message (text, an image, or both) to a dialog the user is a party of. A text with nothing
     * reported yet is one statement: the append finds and checks the user's party itself (see
     * appendByDialogParty), and only a refusal reads what went wrong.
     */
    async postMessage(
      principal: Principal,
      id: number,
      input: { text?: string; image?: Upload },
      priorErrors: FieldProblems = {},
    ): Promise<DialogMessage> {
      const post = { companyId: principal.companyId, conversationId: id, senderUserId: principal.userId }
      if (!input.image && Object.keys(priorErrors).length === 0 && hasContent(input)) {
        const text = input.text ?? ''
        const appended = await messagesRepository.appendByDialogParty(db, { ...post, text, image: null })
        if (appended) return posted(appended, principal, text, null)
      }
      // Refused by the append, or not to be tried: the dialog is read to say what is wrong. Should nothing
      // be (the dialog changed in between), the message goes in as checked.
      const { party, type } = await partyOf(principal, id)
      const errors = new FieldErrors(priorErrors)
      if (party.partyType === 'seller' && type === 'review') reviewRefusal(errors)
      const checked = input.image && checkMessageImage(input.image)
      if (checked && 'problem' in checked) errors.add('image', checked.problem)
      requireContent(errors, input)
      errors.throwIfAny()
      const text = input.text ?? ''
      const image =
        input.image && checked && 'contentType' in checked
          ? await storeImage(input.image, checked.contentType)
          : null
      const side = party.partyType === 'customer' ? 'customer' : 'counterparty'
      // One statement, atomic on its own: no transaction around it.
      const appended = await appendMessage(db, {
        ...post,
        side,
        senderParty: party.partyType,
        senderSellerId: party.partyType === 'seller' ? party.partyId : null,
        userType: 'registered',
        text,
        image,
      })
      return posted(appended, principal, text, image)
    },

    /** Marks the dialog read by the user's party up to a message of it (default: the newest). */
    async markRead(principal: Principal, id: number, messageId?: number): Promise<ReadState> {
      const { companyId, userId } = principal
      const read = await dialogReadRepository.markRead(db, {
        companyId,
        conversationId: id,
        userId,
        messageId,
      })
      if (read.outcome === 'not_a_party') throw notFound()
      if (read.outcome === 'not_in_dialog') {
        throw new DomainError(
          'validation',
          { code: 'invalid_input' },
          {
            messageId: [{ code: 'message_not_in_dialog' }],
          },
        )
      }
      announceEvents(notifier, read)
      return read.state
    },

    /** A message's image with its content, for the dialog's parties only. */
    async messageImage(principal: Principal, id: number, messageId: number) {
      await partyOf(principal, id)
      const message = await dialogsRepository.findMessage(db, id, messageId)
      const image = message?.image
      const content = image && (await blobs.read(image.key))
      if (!image || !content) throw notFound()
      return { image, content }
    },
  }
}

export type DialogsService = ReturnType<typeof createDialogsService>
