import { setTimeout as delay } from 'node:timers/promises'

/**
 * The time background work measures gaps by and waits on. Production runs on `systemClock`; a test passes one
 * it moves by hand, so a test of a pause or a gap neither sleeps nor asserts how long something took.
 */
export type Clock = {
  /** Milliseconds on a monotonic scale (only differences mean anything). */
  now(): number
  /** Resolves after `ms`, or sooner once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    delay(ms, undefined, { signal }).catch((error: unknown) => {
      if (!signal?.aborted) throw error
    }),
}
