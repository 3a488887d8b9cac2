import type { Db } from '../../../db/client.ts'
import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import { notFound } from '../../errors.ts'
import type { NewMessage } from '../types.ts'
import { type AppendedMessage, messagesRepository } from './messages-repository.ts'
import type { Sender } from './posting-rules.ts'

/** The message a checked sender writes into a conversation, as the append takes it. */
export const newMessage = (
  companyId: number,
  conversationId: number,
  sender: Sender,
  content: { text?: string; image?: StoredAttachment; userType?: string },
): NewMessage => ({
  companyId,
  conversationId,
  side: sender.side,
  senderParty: sender.party.partyType,
  senderUserId: sender.userId,
  senderSellerId: sender.sellerId,
  userType: content.userType ?? 'registered',
  text: content.text ?? '',
  image: content.image ?? null,
})

/**
 * The one path by which a message enters a conversation, whoever sends it and from whichever surface: what
 * must happen with every new message (counters, last message, both inboxes, and its realtime events)
 * happens here, in one statement: atomic on its own, or part of the caller's transaction. Once that has
 * committed, the caller notifies the message's `eventKeys` (see createNotifier).
 */
export async function appendMessage(tx: Db, message: NewMessage): Promise<AppendedMessage> {
  const appended = await messagesRepository.append(tx, message)
  if (!appended) throw notFound()
  return appended
}
