import type { Clock } from '../../src/infra/clock.ts'

type Sleeper = { until: number; ms: number; signal: AbortSignal | undefined; wake: () => void }

/**
 * A clock that moves only when the test says: each `sleep` is held until `advance` passes its end or its
 * signal aborts, and the test can wait for the code under test to begin one.
 */
export function manualClock() {
  let time = 0
  const sleepers = new Set<Sleeper>()
  let slept = 0
  let another = Promise.withResolvers<void>()
  const clock = {
    now: () => time,
    sleep(ms: number, signal?: AbortSignal) {
      const woken = Promise.withResolvers<void>()
      const sleeper: Sleeper = { until: time + ms, ms, signal, wake: woken.resolve }
      sleepers.add(sleeper)
      signal?.addEventListener('abort', () => woken.resolve(), { once: true })
      slept += 1
      another.resolve()
      another = Promise.withResolvers<void>()
      return woken.promise.finally(() => sleepers.delete(sleeper))
    },
    /** Moves the time on by `ms`, waking every sleep that ends by then. */
    advance(ms: number) {
      time += ms
      for (const sleeper of sleepers) if (sleeper.until <= time) sleeper.wake()
    },
    /** The sleeps under way, oldest first. */
    sleeping: () => [...sleepers].filter((sleeper) => !sleeper.signal?.aborted),
    /** Resolves once `count` sleeps have begun since the clock was made. */
    async slept(count: number) {
      while (slept < count) await another.promise
    },
  } satisfies Clock & Record<string, unknown>
  return clock
}

export type ManualClock = ReturnType<typeof manualClock>
