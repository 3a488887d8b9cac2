import type { Db } from '../../db/client.ts'
import { notFound } from '../errors.ts'
import { type AppendedMessage, messagesRepository, type NewMessage } from './messages-repository.ts'

/**
 * The one path by which a message enters a conversation, whoever sends it and from whichever surface: what
 * must happen with every new message (counters, last message, both inboxes, and its realtime events)
 * happens here, in one statement: atomic on its own, or part of the caller's transaction.
 */
export async function appendMessage(tx: Db, message: NewMessage): Promise<AppendedMessage> {
  const appended = await messagesRepository.append(tx, message)
  if (!appended) throw notFound()
  return appended
}
