import type { Db } from '../../../db/client.ts'
import type { Party } from '../../events/party.ts'
import { recordReceipt } from '../engine/conversation-events.ts'
import type { ReadState } from '../types.ts'
import { type MovedState, readStateRepository } from './read-state-repository.ts'

/** A party's moved read state, and the keys its receipt event is to be announced to once committed. */
export type Receipted = { state: ReadState; eventKeys: string }

/**
 * The one path by which a party's receipts move: what must follow a delivery or a read (its receipt event
 * for the other party) happens here, in the caller's transaction. Each returns the party's new state with
 * its receipt's keys, or undefined when nothing moved.
 */
export async function markDelivered(
  tx: Db,
  conversationId: number,
  party: Party,
  upToId: number,
): Promise<Receipted | undefined> {
  const moved = await readStateRepository.markDelivered(tx, conversationId, party, upToId)
  return moved && receipt(tx, conversationId, 'delivered', moved)
}

export async function markRead(
  tx: Db,
  conversationId: number,
  party: Party,
  upToId: number,
): Promise<Receipted | undefined> {
  const moved = await readStateRepository.markRead(tx, conversationId, party, upToId)
  return moved && receipt(tx, conversationId, 'read', moved)
}

async function receipt(tx: Db, conversationId: number, kind: 'delivered' | 'read', moved: MovedState) {
  const eventKeys = await recordReceipt(tx, { conversationId, kind, ...moved })
  return { state: moved.state, eventKeys }
}
