import type { ProductAttributes, ProductImage } from '../../db/schema/catalog.ts'
import type { StoredAttachment } from '../../db/schema/contacts.ts'
import type { PartyType } from '../events/party.ts'

export const CONVERSATION_TYPES = ['message', 'question', 'review'] as const
export type ConversationType = (typeof CONVERSATION_TYPES)[number]

export const ITEM_TYPES = ['product', 'orderitem'] as const
export type ItemType = (typeof ITEM_TYPES)[number]

export const USER_TYPES = ['guest', 'registered'] as const
export type UserType = (typeof USER_TYPES)[number]

/** The customer writes on one side; the seller (or, without one, the shop's staff) on the other. */
export type Side = 'customer' | 'counterparty'

/**
 * Who a message claims to come from: the user themselves (the customer, or a staff member on the shop's
 * side), a seller the user is a member of, or the shop's staff.
 */
export type SenderClaim =
  | { as: 'user'; userId: number }
  | { as: 'seller'; sellerId: number }
  | { as: 'staff' }

/**
 * Through whose eyes conversations are seen: `personal` is the user as a customer and as a member of each
 * of its sellers; `staff` is the shop's staff, who see every conversation of their company.
 */
export type Perspective = 'personal' | 'staff'

export type UserSummary = {
  id: number
  email: string
  firstName: string
  lastName: string
  phone: string
  gender: string | null
  displayName: string
  avatarUrl: string | null
  cityId: number | null
  createdAt: Date
}

export type SellerSummary = {
  id: number
  name: string
  avatarUrl: string | null
  cityId: number | null
  rating: string
  reviewsCount: number
  productsCount: number
  createdAt: Date
}

export type ProductSummary = {
  id: number
  name: string
  price: string
  imageUrl: string | null
  images: ProductImage[]
  attributes: ProductAttributes
  isPublished: boolean
  publishedAt: Date | null
  locationId: number | null
  seller: { id: number; name: string } | null
}

export type ConversationItem =
  | { type: 'product'; product: ProductSummary }
  | {
      type: 'orderitem'
      orderItem: { id: number; status: string; quantity: number; price: string }
      order: { id: number; number: string; status: string }
      product: ProductSummary
    }

/** A party's place in a conversation: its inbox position and how far it has received and read. */
export type ReadState = {
  partyType: PartyType
  partyId: number
  lastDeliveredMessageId: number
  lastReadMessageId: number
  unreadCount: number
}

export type MessageView = {
  id: number
  conversationId: number
  side: Side
  sideSeq: number
  userType: string
  text: string
  image: StoredAttachment | null
  createdAt: Date
  /** The person who wrote it; also set when writing for a seller. */
  senderUser: UserSummary | null
  /** Set when the message was sent as the seller. */
  senderSeller: { id: number; name: string } | null
}

export type ConversationView = {
  id: number
  companyId: number
  locationId: number | null
  subject: string
  type: ConversationType
  isPublic: boolean
  isAnswered: boolean
  archived: boolean
  deleted: boolean
  deletedByUserId: number | null
  deletedAt: Date | null
  deletedReason: string | null
  messageCount: number
  customerMessageCount: number
  counterpartyMessageCount: number
  lastMessageAt: Date
  createdAt: Date
  updatedAt: Date
  /** Null for a conversation the shop's staff keep without a customer; they are then its only party. */
  customer: UserSummary | null
  seller: SellerSummary | null
  item: ConversationItem | null
  lastMessage: MessageView | null
}

/** The customer's read state and the counterparty's (the seller's, or the staff's). */
export type PartyStates = {
  customerState: ReadState | null
  counterpartyState: ReadState | null
}

/**
 * A view with the read states a dialog's receipts and unread count are made of. Only the views that show
 * them read them, since reading them is a large share of an inbox page's statement.
 */
export type ConversationViewWithStates = ConversationView &
  PartyStates & {
    /** The read state of the party the caller acts as here; null for staff looking at a seller's conversation. */
    viewerState: ReadState | null
  }

export type Page = { limit: number; offset: number }

/** A message to append (see messagesRepository.append). */
export type NewMessage = {
  companyId: number
  conversationId: number
  side: Side
  /** The party writing, whose own read state moves to the new message. */
  senderParty: PartyType
  senderUserId: number | null
  senderSellerId: number | null
  userType: string
  text: string
  image: StoredAttachment | null
  /**
   * Append only if the sender may reply there, checked by the same statement: the conversation's customer,
   * or a member of its seller (who cannot answer a review); the shop's staff write anywhere in their company.
   * posting-rules.ts words these rules for the errors of a refused reply.
   */
  asReply?: boolean
}
