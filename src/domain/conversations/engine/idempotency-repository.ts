import { and, eq } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { idempotencyKeys } from '../../../db/schema/index.ts'

/** A write's outcome, kept so that a retry with the same key is answered with it instead of written again. */
export type StoredOutcome = { fingerprint: string; outcome: unknown }

// Every idempotent write here creates something; the column keeps HTTP's word for that, each surface its own.
const CREATED = 201

export const idempotencyRepository = {
  /**
   * Claims the key inside the caller's transaction: false when it is already taken. A concurrent claim of the
   * same key waits here until the first transaction ends, then sees it taken.
   */
  async claim(db: Db, userId: number, key: string, fingerprint: string): Promise<boolean> {
    const rows = await db
      .insert(idempotencyKeys)
      .values({ userId, key, requestHash: fingerprint, responseStatus: CREATED, responseBody: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key })
    return rows.length > 0
  },

  async complete(db: Db, userId: number, key: string, outcome: unknown) {
    await db
      .update(idempotencyKeys)
      .set({ responseBody: outcome })
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
  },

  async find(db: Db, userId: number, key: string): Promise<StoredOutcome | undefined> {
    const [row] = await db
      .select({ fingerprint: idempotencyKeys.requestHash, outcome: idempotencyKeys.responseBody })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    return row
  },
}
