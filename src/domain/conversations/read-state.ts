import type { Db } from '../../db/client.ts'
import type { Party } from '../events/party.ts'
import { readStateRepository } from './read-state-repository.ts'
import type { ReadState } from './types.ts'

/**
 * The one path by which a party's receipts move: what must follow a delivery or a read (and later its
 * realtime event) happens here. Each returns the party's new state, or undefined when nothing moved.
 */
export async function markDelivered(
  db: Db,
  conversationId: number,
  party: Party,
  upToId: number,
): Promise<ReadState | undefined> {
  return readStateRepository.markDelivered(db, conversationId, party, upToId)
}

export async function markRead(
  db: Db,
  conversationId: number,
  party: Party,
  upToId: number,
): Promise<ReadState | undefined> {
  return readStateRepository.markRead(db, conversationId, party, upToId)
}
