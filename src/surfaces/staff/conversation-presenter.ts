import type { Note } from '../../domain/conversations/inbox/inbox-repository.ts'
import type {
  InboxConversation,
  InboxListed,
  InboxThread,
} from '../../domain/conversations/inbox/staff-inbox-service.ts'
import type { MessageView, ProductSummary, UserSummary } from '../../domain/conversations/types.ts'
import { presentUserRef } from './user-presenter.ts'

const nameOf = (user: Pick<UserSummary, 'displayName' | 'firstName' | 'lastName' | 'email'>) =>
  `${user.firstName} ${user.lastName}`.trim() || user.displayName || user.email

const roleOf = (message: MessageView) =>
  message.side === 'customer' ? 'customer' : message.senderSeller ? 'seller' : 'staff'

const imageOf = (product: ProductSummary) =>
  product.imageUrl ?? product.images.find((image) => image.isPrimary)?.mediumJpeg ?? null

function status(conversation: InboxListed) {
  if (conversation.deleted) return 'deleted'
  if (conversation.archived) return 'archived'
  return conversation.isAnswered ? 'answered' : 'open'
}

/** A conversation in the staff inbox's list. */
export function presentInboxConversation(conversation: InboxListed) {
  const { item, lastMessage } = conversation
  const product = item?.product
  return {
    id: conversation.id,
    subject: conversation.subject,
    type: conversation.type,
    status: status(conversation),
    archived: conversation.archived,
    deleted: conversation.deleted,
    counterparty: conversation.seller ? 'seller' : 'shop',
    customer: conversation.customer && presentUserRef(conversation.customer),
    seller: conversation.seller && { id: conversation.seller.id, name: conversation.seller.name },
    assignee: conversation.assignee && presentUserRef(conversation.assignee),
    product: product ? { id: product.id, name: product.name, image_url: imageOf(product) } : null,
    order_item:
      item?.type === 'orderitem'
        ? { id: item.orderItem.id, order_number: item.order.number, product_name: item.product.name }
        : null,
    last_message: lastMessage && {
      id: lastMessage.id,
      text: lastMessage.text,
      sender_role: roleOf(lastMessage),
      created_at: lastMessage.createdAt.toISOString(),
    },
    unread_count: conversation.unreadCount,
    created_at: conversation.createdAt.toISOString(),
    last_message_at: conversation.lastMessageAt.toISOString(),
  }
}

function sender(message: MessageView, conversation: InboxConversation) {
  const role = roleOf(message)
  if (message.senderSeller) return { id: message.senderSeller.id, name: message.senderSeller.name, role }
  const user = message.senderUser ?? (role === 'customer' ? conversation.customer : null)
  return { id: user?.id ?? 0, name: user ? nameOf(user) : '', role }
}

/** Where staff download a message's image. */
const imagePath = (conversationId: number, messageId: number) =>
  `/api/conversations/${conversationId}/messages/${messageId}/image/`

/** A message with its receipts, read from the other side's marks. */
export function presentInboxMessage(message: MessageView, conversation: InboxConversation) {
  const recipient = message.side === 'customer' ? conversation.counterpartyState : conversation.customerState
  return {
    id: message.id,
    text: message.text,
    image_url: message.image ? imagePath(message.conversationId, message.id) : null,
    sender: sender(message, conversation),
    created_at: message.createdAt.toISOString(),
    is_delivered: (recipient?.lastDeliveredMessageId ?? 0) >= message.id,
    is_read: (recipient?.lastReadMessageId ?? 0) >= message.id,
  }
}

export const presentNote = (note: Note) => ({
  id: note.id,
  body: note.body,
  author: note.author && presentUserRef(note.author),
  created_at: note.createdAt.toISOString(),
})

export const presentThread = (thread: InboxThread) => ({
  ...presentInboxConversation(thread.conversation),
  messages: thread.messages.map((message) => presentInboxMessage(message, thread.conversation)),
  notes: thread.notes.map(presentNote),
})
