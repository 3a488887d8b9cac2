import type { Static } from 'typebox'
import type {
  ConversationItem,
  ConversationView,
  MessageView,
  ProductSummary,
  UserSummary,
} from '../../domain/conversations/types.ts'
import type {
  Conversation,
  ItemObject,
  Message,
  MessageContent,
  UserMessage,
} from './conversation-schemas.ts'
import { genderLabels } from './presenters.ts'

const typeLabels: Record<string, string> = { message: 'Message', question: 'Question', review: 'Review' }
const userTypeLabels: Record<string, string> = { guest: 'Guest', registered: 'Registered' }

const enumValue = (value: string, labels: Record<string, string>) => ({
  value,
  label: labels[value] ?? value,
})

export function presentUserMessage(user: UserSummary): Static<typeof UserMessage> {
  return {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    phone: user.phone,
    gender: user.gender === null ? undefined : enumValue(user.gender, genderLabels),
  }
}

function presentSender(message: MessageView): Static<typeof MessageContent> {
  if (message.senderSeller) return { id: message.senderSeller.id, name: message.senderSeller.name }
  const user = message.senderUser
  if (!user) throw new Error(`message ${message.id} has no sender`)
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    phone: user.phone,
    gender: user.gender ?? undefined,
  }
}

export function presentMessage(message: MessageView): Static<typeof Message> {
  return {
    id: message.id,
    message_content: message.text,
    user_type: enumValue(message.userType, userTypeLabels),
    content_object: presentSender(message),
    content_type: message.senderSeller ? 'datasource' : 'user',
    created_date: message.createdAt.toISOString(),
  }
}

const productImage = (product: ProductSummary) =>
  product.imageUrl ?? product.images.find((image) => image.isPrimary)?.mediumJpeg ?? null

const presentProduct = (product: ProductSummary) => ({
  id: product.id,
  name: product.name,
  price: product.price,
  image: productImage(product),
  seller: product.seller ?? undefined,
})

function presentItem(item: ConversationItem): Static<typeof ItemObject> {
  if (item.type === 'product') return presentProduct(item.product)
  return {
    id: item.orderItem.id,
    order: item.order.id,
    product: presentProduct(item.product),
    status: item.orderItem.status,
  }
}

/** A conversation with the messages the caller chose to show (see `message_set` in the schema). */
export function presentConversation(
  view: ConversationView,
  messages: MessageView[],
): Static<typeof Conversation> {
  // The storefront shows the conversations its user takes part in, and those all have their customer.
  if (!view.customer) throw new Error(`conversation ${view.id} has no customer to show`)
  return {
    id: view.id,
    subject: view.subject,
    user: presentUserMessage(view.customer),
    datasource: view.seller ? { id: view.seller.id, name: view.seller.name } : undefined,
    item_object: view.item ? presentItem(view.item) : undefined,
    item_content: view.item?.type,
    message_set: messages.map(presentMessage),
    conversation_type: enumValue(view.type, typeLabels),
    last_message_date: view.lastMessageAt.toISOString(),
    is_public: view.isPublic,
    is_answered: view.isAnswered,
  }
}
