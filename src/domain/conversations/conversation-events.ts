import type { Db } from '../../db/client.ts'
import { eventsRepository } from '../events/events-repository.ts'
import type { Party } from '../events/party.ts'
import type { AppendedMessage, NewMessage } from './messages-repository.ts'
import type { ReadState } from './types.ts'

/**
 * The realtime events of a conversation, recorded in the transaction of the change they report so a stream
 * never sees a change that rolled back. Payloads are domain data; each surface renders them in its dialect.
 */

/** A conversation's two parties: its customer, and its seller or (without one) the company's staff. */
export const partiesOf = (conversation: {
  companyId: number
  customerId: number
  sellerId: number | null
}): Party[] => [
  { partyType: 'customer', partyId: conversation.customerId },
  conversation.sellerId === null
    ? { partyType: 'staff', partyId: conversation.companyId }
    : { partyType: 'seller', partyId: conversation.sellerId },
]

/** `message.created` for both parties, and `conversation.updated` with each party's own unread count. */
export async function recordMessageAppended(tx: Db, message: NewMessage, appended: AppendedMessage) {
  const payload = {
    conversationId: message.conversationId,
    message: {
      id: appended.id,
      conversationId: message.conversationId,
      side: message.side,
      senderParty: message.senderParty,
      senderUserId: message.senderUserId,
      senderSellerId: message.senderSellerId,
      text: message.text,
      hasImage: message.image !== null,
      createdAt: appended.createdAt.toISOString(),
    },
  }
  await eventsRepository.recordEach(tx, message.companyId, [
    ...appended.parties.map(({ partyType, partyId }) => ({
      party: { partyType, partyId },
      type: 'message.created',
      payload,
    })),
    ...appended.parties.map(({ partyType, partyId, unreadCount }) => ({
      party: { partyType, partyId },
      type: 'conversation.updated',
      payload: {
        conversationId: message.conversationId,
        lastMessageId: appended.id,
        lastMessageAt: appended.createdAt.toISOString(),
        unreadCount,
      },
    })),
  ])
}

/**
 * A receipt for the other party: `message.delivered` or `message.read` once `state`'s party has received or
 * read up to its marks.
 */
export async function recordReceipt(
  tx: Db,
  receipt: {
    companyId: number
    conversationId: number
    kind: 'delivered' | 'read'
    state: ReadState
    other: Party
  },
) {
  const { state } = receipt
  await eventsRepository.record(tx, receipt.companyId, [receipt.other], `message.${receipt.kind}`, {
    conversationId: receipt.conversationId,
    partyType: state.partyType,
    partyId: state.partyId,
    lastDeliveredMessageId: state.lastDeliveredMessageId,
    lastReadMessageId: state.lastReadMessageId,
  })
}

/** `conversation.updated` for both parties when the conversation is archived or brought back. */
export async function recordArchived(
  tx: Db,
  conversation: { id: number; companyId: number; customerId: number; sellerId: number | null },
  archived: boolean,
) {
  await eventsRepository.record(tx, conversation.companyId, partiesOf(conversation), 'conversation.updated', {
    conversationId: conversation.id,
    archived,
  })
}
