import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import type {
  ConversationViewWithStates,
  MessageView,
  ProductSummary,
  ReadState,
  SellerSummary,
  Side,
  UserSummary,
} from '../types.ts'

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

/** What a dialog shows of its buyer. */
export type DialogBuyer = Pick<
  UserSummary,
  'id' | 'firstName' | 'lastName' | 'displayName' | 'avatarUrl' | 'cityId' | 'createdAt'
>

/** What a dialog shows of the product it is about. */
export type DialogProduct = Pick<
  ProductSummary,
  'id' | 'name' | 'price' | 'images' | 'attributes' | 'publishedAt'
>

/**
 * What a dialog shows of its conversation: a conversation view holds all of it, and a page of dialogs reads
 * no more than this.
 */
export type DialogConversation = {
  id: number
  createdAt: Date
  updatedAt: Date
  customer: DialogBuyer
  seller: SellerSummary | null
  item: { product: DialogProduct } | null
}

/** A conversation with a seller as one of its parties sees it. */
export type DialogView = {
  conversation: DialogConversation
  lastMessage: DialogMessage | null
  /** The viewer's own unread count. */
  unreadCount: number
}

/** How far a party has received and read; its unread count where the viewer needs it. */
type Marks = Pick<ReadState, 'lastDeliveredMessageId' | 'lastReadMessageId'>
type PartyMarks = Marks & Pick<ReadState, 'unreadCount'>

export type DialogStates = { customer: Marks | null; counterparty: Marks | null }

/** A message's facts as stored, its sender reduced to the id a dialog shows. */
export type DialogMessageFacts = Omit<DialogMessage, 'isDelivered' | 'isRead'>

/** A dialog's facts before they are seen by one of its parties. */
export type DialogFacts = {
  conversation: DialogConversation
  lastMessage: DialogMessageFacts | null
  customerState: PartyMarks | null
  counterpartyState: PartyMarks | null
}

/**
 * The seller for a message written as the seller, else the user who wrote it; 0 for the shop's staff, who
 * are neither of a dialog's two participants (a staff user's id could be a seller's, or the buyer's, too).
 */
export const senderIdOf = (message: Pick<MessageView, 'side' | 'senderUser' | 'senderSeller'>) => {
  if (message.senderSeller) return message.senderSeller.id
  return message.side === 'counterparty' ? 0 : (message.senderUser?.id ?? 0)
}

/** A message's receipts come from its recipient's read state: the other side's marks reaching its id. */
export function toDialogMessage(message: DialogMessageFacts, states: DialogStates): DialogMessage {
  const recipient = message.side === 'customer' ? states.counterparty : states.customer
  return {
    id: message.id,
    conversationId: message.conversationId,
    side: message.side,
    senderId: message.senderId,
    text: message.text,
    image: message.image,
    createdAt: message.createdAt,
    isDelivered: (recipient?.lastDeliveredMessageId ?? 0) >= message.id,
    isRead: (recipient?.lastReadMessageId ?? 0) >= message.id,
  }
}

export const statesOf = (dialog: Pick<DialogFacts, 'customerState' | 'counterpartyState'>): DialogStates => ({
  customer: dialog.customerState,
  counterparty: dialog.counterpartyState,
})

/** The read state of the party the user is in the conversation: its customer, or a member of its seller. */
export const viewerStateOf = <State>(
  customerId: number,
  states: { customerState: State; counterpartyState: State },
  userId: number,
) => (customerId === userId ? states.customerState : states.counterpartyState)

/**
 * A conversation view a dialog is made of: one with a seller, which always has its customer (only the
 * staff's own conversations go without one, conversations_customer_or_staff_check).
 */
export type DialogSource = ConversationViewWithStates & { seller: SellerSummary; customer: UserSummary }

export const isDialog = (view: ConversationViewWithStates): view is DialogSource =>
  view.seller !== null && view.customer !== null

/** A conversation view's dialog facts. */
export function factsOf(view: DialogSource): DialogFacts {
  const message = view.lastMessage
  return {
    conversation: view,
    lastMessage: message && {
      id: message.id,
      conversationId: message.conversationId,
      side: message.side,
      senderId: senderIdOf(message),
      text: message.text,
      image: message.image,
      createdAt: message.createdAt,
    },
    customerState: view.customerState,
    counterpartyState: view.counterpartyState,
  }
}

export const toDialogView = (facts: DialogFacts, userId: number): DialogView => ({
  conversation: facts.conversation,
  lastMessage: facts.lastMessage && toDialogMessage(facts.lastMessage, statesOf(facts)),
  unreadCount: viewerStateOf(facts.conversation.customer.id, facts, userId)?.unreadCount ?? 0,
})
