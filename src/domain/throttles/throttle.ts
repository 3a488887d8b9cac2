import type { Db } from '../../db/client.ts'
import { Throttled } from '../errors.ts'
import { createHitBatches } from './hit-batches.ts'
import { throttlesRepository } from './throttles-repository.ts'

/** A limit on one client's hits: `rule` names what is counted (it is logged), `key` the client. */
export type ThrottleLimit = { rule: string; key: string; limit: number }

/**
 * Counts what clients do in windows kept in the database (the `throttles` table), so every instance on one
 * database counts the same hits; an embedded database holds the same table.
 */
export function createThrottle(db: Db) {
  const hit = createHitBatches(db)
  return {
    /** Counts a hit on each key; returns each key's hits in its window and how long the window has to run. */
    count: hit,

    /** Counts a hit on each limit's key and refuses (Throttled) when any is past its limit. */
    async check(limits: ThrottleLimit[], windowMs: number) {
      const hits = await hit(
        limits.map((limit) => limit.key),
        windowMs,
      )
      const byKey = new Map(hits.map((hit) => [hit.key, hit]))
      for (const limit of limits) {
        const hit = byKey.get(limit.key)
        if (hit && hit.hits > limit.limit) {
          throw new Throttled(Math.max(1, Math.ceil(hit.retryAfterMs / 1000)), limit.rule, limit.key)
        }
      }
    },

    /** Takes back the hits `check` counted, for an attempt that turned out to be no abuse. */
    forgive: (limits: ThrottleLimit[]) =>
      throttlesRepository.unhit(
        db,
        limits.map((limit) => limit.key),
      ),

    /** Forgets counts whose window started more than `olderThanMs` ago (the longest window is enough). */
    purge: (olderThanMs: number) => throttlesRepository.purge(db, olderThanMs),
  }
}

export type Throttle = ReturnType<typeof createThrottle>
