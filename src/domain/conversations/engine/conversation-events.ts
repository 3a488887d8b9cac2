import type { Db } from '../../../db/client.ts'
import { eventsRepository } from '../../events/events-repository.ts'
import { type Audience, inboxOf, type Party } from '../../events/party.ts'
import { type ConversationPeople, partiesOf } from '../../policy/parties.ts'
import type { NewMessage, ReadState } from '../types.ts'

/**
 * The realtime events of a conversation, recorded in the transaction of the change they report so a stream
 * never sees a change that rolled back. Payloads are domain data; each surface renders them in its dialect.
 */

/**
 * Whom a conversation's events are for: its parties. The staff stream reads a conversation's events from
 * its customer's copy (see eventsRepository.staffSince); one without a customer has no such copy, so its
 * events are the staff inbox's own, which that stream reads whole.
 */
export const audienceOf = (conversation: ConversationPeople): Audience[] =>
  conversation.customerId === null ? [inboxOf(conversation.companyId)] : partiesOf(conversation)

/**
 * The payloads of a new message's events — `message.created` for each party, and `conversation.updated`
 * with each party's own unread count — as far as they are known before it is written. The append statement
 * completes them (the message's id, time and side, the party and seller it was written as, each party's
 * count) and records them with the message, so a reply costs one statement rather than a transaction of two
 * (see messagesRepository.append).
 */
export function messageEventTemplates(
  message: Pick<NewMessage, 'conversationId' | 'senderUserId' | 'text' | 'image'>,
) {
  return {
    created: {
      conversationId: message.conversationId,
      message: {
        conversationId: message.conversationId,
        senderUserId: message.senderUserId,
        text: message.text,
        hasImage: message.image !== null,
      },
    },
    updated: { conversationId: message.conversationId },
  }
}

/**
 * A receipt for the other party: `message.delivered` or `message.read` once `state`'s party has received or
 * read up to its marks. Returns the keys to notify once the transaction commits.
 */
export function recordReceipt(
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
  return eventsRepository.record(tx, receipt.companyId, [receipt.other], `message.${receipt.kind}`, {
    conversationId: receipt.conversationId,
    partyType: state.partyType,
    partyId: state.partyId,
    lastDeliveredMessageId: state.lastDeliveredMessageId,
    lastReadMessageId: state.lastReadMessageId,
  })
}

/**
 * `conversation.updated` for its parties when the conversation is archived or brought back. Returns the
 * keys to notify once the transaction commits.
 */
export function recordArchived(tx: Db, conversation: ConversationPeople & { id: number }, archived: boolean) {
  return eventsRepository.record(
    tx,
    conversation.companyId,
    audienceOf(conversation),
    'conversation.updated',
    {
      conversationId: conversation.id,
      archived,
    },
  )
}
