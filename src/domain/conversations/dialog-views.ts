import type { StoredAttachment } from '../../db/schema/contacts.ts'
import type { ConversationView, ReadState, Side } from './types.ts'

/** A message as a dialog's party sees it: who wrote it, and how far its recipient has got with it. */
export type DialogMessage = {
  id: number
  conversationId: number
  side: Side
  /** The seller for a message written as the seller, else the user who wrote it. */
  senderId: number
  text: string
  image: StoredAttachment | null
  createdAt: Date
  isDelivered: boolean
  isRead: boolean
}

/** A conversation with a seller as one of its parties sees it. */
export type DialogView = {
  conversation: ConversationView
  lastMessage: DialogMessage | null
  /** The viewer's own unread count. */
  unreadCount: number
}

export type DialogStates = { customer: ReadState | null; counterparty: ReadState | null }

type MessageFacts = {
  id: number
  conversationId: number
  side: Side
  text: string
  image: StoredAttachment | null
  createdAt: Date
  senderUser: { id: number } | null
  senderSeller: { id: number } | null
}

/** A message's receipts come from its recipient's read state: the other side's marks reaching its id. */
export function toDialogMessage(message: MessageFacts, states: DialogStates): DialogMessage {
  const recipient = message.side === 'customer' ? states.counterparty : states.customer
  return {
    id: message.id,
    conversationId: message.conversationId,
    side: message.side,
    senderId: message.senderSeller?.id ?? message.senderUser?.id ?? 0,
    text: message.text,
    image: message.image,
    createdAt: message.createdAt,
    isDelivered: (recipient?.lastDeliveredMessageId ?? 0) >= message.id,
    isRead: (recipient?.lastReadMessageId ?? 0) >= message.id,
  }
}

export const statesOf = (view: ConversationView): DialogStates => ({
  customer: view.customerState,
  counterparty: view.counterpartyState,
})

/** The read state of the party the user is in the conversation: its customer, or a member of its seller. */
export const viewerStateOf = (view: ConversationView, userId: number) =>
  view.customer.id === userId ? view.customerState : view.counterpartyState

export function toDialogView(view: ConversationView, userId: number): DialogView {
  return {
    conversation: view,
    lastMessage: view.lastMessage && toDialogMessage(view.lastMessage, statesOf(view)),
    unreadCount: viewerStateOf(view, userId)?.unreadCount ?? 0,
  }
}
