import type { Db } from '../../../db/client.ts'
import { type FieldProblems, idempotencyMismatch } from '../../errors.ts'
import type { Principal } from '../../principal.ts'
import { idempotencyRepository } from './idempotency-repository.ts'

export type WriteOptions = {
  /** Fields the surface's own parsing refused, reported together with the domain's (by domain field name). */
  priorErrors?: FieldProblems
  /** A retry with the same key and fingerprint gets the first outcome; another fingerprint is refused. */
  idempotency?: { key: string; fingerprint: string }
}

export type PostOutcome = {
  conversationId: number
  /** Null when a conversation was opened without a message. */
  messageId: number | null
  /** Whether a conversation was opened (else a message was added to one). */
  created: boolean
  /** Whether this is the stored outcome of an earlier request with the same idempotency key. */
  replayed: boolean
}

class KeyTaken extends Error {}

/** Runs a write once per idempotency key: a retry gets the stored outcome, marked as replayed. */
export async function idempotentWrite(
  db: Db,
  principal: Principal,
  options: WriteOptions,
  write: (tx: Db) => Promise<Omit<PostOutcome, 'replayed'>>,
): Promise<PostOutcome> {
  const { idempotency } = options
  if (!idempotency) return { ...(await db.transaction(write)), replayed: false }
  try {
    const outcome = await db.transaction(async (tx) => {
      if (
        !(await idempotencyRepository.claim(tx, principal.userId, idempotency.key, idempotency.fingerprint))
      ) {
        throw new KeyTaken()
      }
      const result = await write(tx)
      await idempotencyRepository.complete(tx, principal.userId, idempotency.key, result)
      return result
    })
    return { ...outcome, replayed: false }
  } catch (error) {
    if (!(error instanceof KeyTaken)) throw error
  }
  const replay = await replayOf(db, principal, idempotency)
  if (!replay) throw new Error('an idempotency key was taken but holds no outcome')
  return replay
}

export async function replayOf(db: Db, principal: Principal, idempotency: WriteOptions['idempotency']) {
  if (!idempotency) return undefined
  const stored = await idempotencyRepository.find(db, principal.userId, idempotency.key)
  if (!stored) return undefined
  if (stored.fingerprint !== idempotency.fingerprint) {
    throw idempotencyMismatch()
  }
  return { ...(stored.outcome as Omit<PostOutcome, 'replayed'>), replayed: true }
}
