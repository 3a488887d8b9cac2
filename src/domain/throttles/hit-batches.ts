import type { Db } from '../../db/client.ts'
import { type ThrottleHits, throttlesRepository } from './throttles-repository.ts'

type Waiter = { keys: string[]; resolve(hits: ThrottleHits[]): void; reject(error: unknown): void }

/** Enough for one statement to stay short; a flood larger than this is counted in several. */
const MOST_WAITERS_PER_STATEMENT = 500

/**
 * Counts hits one statement at a time per window length: the hits that arrive while a statement runs wait
 * for it and go together in the next one. A busy instance counts a burst of requests in a few statements on
 * the throttles' rows instead of one per request, each a round trip and a row lock the next request queues
 * behind; an idle instance's hit goes at once. Every hit still gets a count of its own: the hits on a key in
 * one statement are numbered in arrival order, the last one getting the key's total.
 */
export function createHitBatches(db: Db) {
  const batches = new Map<number, { running: boolean; waiting: Waiter[] }>()

  async function send(waiters: Waiter[], windowMs: number) {
    const perKey = new Map<string, number>()
    for (const waiter of waiters) for (const key of waiter.keys) perKey.set(key, (perKey.get(key) ?? 0) + 1)
    const counts = [...perKey].map(([key, hits]) => ({ key, hits }))
    const totals = new Map((await throttlesRepository.hit(db, counts, windowMs)).map((row) => [row.key, row]))
    const handedOut = new Map<string, number>()
    for (const waiter of waiters) {
      const hits: ThrottleHits[] = []
      for (const key of waiter.keys) {
        const total = totals.get(key)
        if (!total) throw new Error(`the throttle statement returned no count for a key`)
        const earlier = handedOut.get(key) ?? 0
        handedOut.set(key, earlier + 1)
        hits.push({ ...total, hits: total.hits - (perKey.get(key) ?? 0) + earlier + 1 })
      }
      waiter.resolve(hits)
    }
  }

  function sendWaiting(windowMs: number) {
    const batch = batches.get(windowMs)
    if (!batch || batch.running || batch.waiting.length === 0) return
    const waiters = batch.waiting.splice(0, MOST_WAITERS_PER_STATEMENT)
    batch.running = true
    send(waiters, windowMs)
      .catch((error: unknown) => {
        for (const waiter of waiters) waiter.reject(error)
      })
      .finally(() => {
        batch.running = false
        sendWaiting(windowMs)
      })
  }

  /** Counts a hit on each of `keys` (distinct); resolves to each key's hits in its window and its time left. */
  return (keys: string[], windowMs: number) =>
    new Promise<ThrottleHits[]>((resolve, reject) => {
      const batch = batches.get(windowMs) ?? { running: false, waiting: [] }
      batches.set(windowMs, batch)
      batch.waiting.push({ keys: [...new Set(keys)], resolve, reject })
      sendWaiting(windowMs)
    })
}
