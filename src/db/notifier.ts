import { sql } from 'drizzle-orm'
import { type Clock, systemClock } from '../infra/clock.ts'
import type { Db } from './client.ts'
import { named } from './prepared.ts'

/**
 * Sends the NOTIFYs that announce committed writes, gathered into one statement at a time.
 *
 * A NOTIFY inside a writing transaction holds PostgreSQL's global notification lock until that transaction's
 * commit record is flushed, so every notifying write commits in turn, which caps how many writes commit a
 * second. A statement that only notifies writes nothing, so the lock is held for a moment; batching makes it
 * one statement for many writes. Batches go at least `gapMs` apart: each wakes every listening connection,
 * and waking them for every write or two is PostgreSQL CPU that replies and messages need.
 *
 * A caller notifies once its write has committed, never before: a listener that wakes must find what it was
 * woken for. Listeners treat a notification as a wake-up and read what changed themselves, so one lost to a
 * crash between a write and its notification delays what it announced (until the next wake-up or poll) and
 * loses nothing.
 */
export function createNotifier(
  db: Db,
  onError: (error: unknown) => void,
  options: { gapMs?: number; clock?: Clock } = {},
) {
  const gapMs = options.gapMs ?? 10
  const clock = options.clock ?? systemClock
  let pending = new Map<string, Set<string>>()
  let sending: Promise<void> | undefined
  /** Set while the next batch waits out the gap since the last one. */
  let paced: Promise<void> | undefined
  let lastSentAt = Number.NEGATIVE_INFINITY

  // Prepared once: most writes send a batch of their own, and parsing it anew took longer than running it.
  const notifyAll = named(
    db
      .select({ sent: sql`pg_notify(n ->> 0, n ->> 1)` })
      .from(sql`json_array_elements(${sql.placeholder('notifications')}::json) as n`)
      .prepare('notify_all'),
    'notify_all',
  )

  async function send(batch: Map<string, Set<string>>) {
    const notifications = [...batch].flatMap(([channel, payloads]) =>
      [...payloads].map((payload) => [channel, payload]),
    )
    await notifyAll.execute({ notifications: JSON.stringify(notifications) })
  }

  function flush() {
    if (sending || paced || pending.size === 0) return
    // A batch goes at once unless one went less than `gapMs` ago: a quiet instance notifies without delay, a
    // busy one gathers its writes' notifications into fewer statements.
    const wait = lastSentAt + gapMs - clock.now()
    if (wait > 0) {
      paced = clock.sleep(wait).then(() => {
        paced = undefined
        flush()
      })
      return
    }
    lastSentAt = clock.now()
    const batch = pending
    pending = new Map()
    sending = send(batch)
      .catch(onError)
      .finally(() => {
        sending = undefined
        flush()
      })
  }

  return {
    /** Queues a notification; identical ones waiting together are sent once, as PostgreSQL would. */
    notify(channel: string, payload: string) {
      const payloads = pending.get(channel) ?? new Set()
      payloads.add(payload)
      pending.set(channel, payloads)
      flush()
    },
    /** Resolves once every notification queued so far has been sent (or has failed). */
    async settle() {
      while (sending || paced) await (sending ?? paced)
    },
  }
}

export type Notifier = ReturnType<typeof createNotifier>
