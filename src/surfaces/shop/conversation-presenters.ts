import type { Static } from 'typebox'
import type { ConversationView, MessageView } from '../../domain/conversations/types.ts'
import type { Conversation, Message } from './conversation-schemas.ts'

/** The shop's API sends every id, its own and foreign ones, as a string. */
const idOf = (id: number | null) => (id === null ? null : String(id))
const dateOf = (date: Date | null) => (date === null ? null : date.toISOString())

export function presentConversation(view: ConversationView): Static<typeof Conversation> {
  return {
    id: String(view.id),
    createdDate: view.createdAt.toISOString(),
    updatedDate: view.updatedAt.toISOString(),
    locationId: idOf(view.locationId),
    companyId: String(view.companyId),
    archived: view.archived,
    customerId: idOf(view.customer?.id ?? null),
    deleted: view.deleted,
    deletedUserId: idOf(view.deletedByUserId),
    deletedDate: dateOf(view.deletedAt),
    deletedReason: view.deletedReason,
  }
}

export function presentMessage(message: MessageView): Static<typeof Message> {
  return {
    id: String(message.id),
    conversationId: String(message.conversationId),
    createdDate: message.createdAt.toISOString(),
    text: message.text,
    fromCustomer: message.side === 'customer',
    userId: idOf(message.senderUser?.id ?? null),
    sellerId: idOf(message.senderSeller?.id ?? null),
  }
}
