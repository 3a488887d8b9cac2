import type { StoredEvent } from './events-repository.ts'

/** Events after the id a stream asked from, oldest first; `more` when the page was full, so more may follow. */
export type EventPage = { events: StoredEvent[]; more: boolean }

type Asked = { afterId: number; resolve: (page: EventPage) => void; reject: (error: unknown) => void }

type Read = (afterId: number, limit: number) => Promise<StoredEvent[]>

/**
 * Answers the callers from as few reads as it can: each read from the lowest id still waiting. A full page
 * that ends before some callers' ids (a stream resuming from far behind beside its party's live ones) is
 * followed at once by a read for those, so the live streams never wait for the other to catch up.
 */
async function answer(callers: Asked[], read: Read, pageSize: number) {
  let waiting = callers
  try {
    while (waiting.length > 0) {
      const from = waiting.reduce(
        (lowest, caller) => Math.min(lowest, caller.afterId),
        Number.POSITIVE_INFINITY,
      )
      const events = await read(from, pageSize)
      const more = events.length >= pageSize
      const pageEnd = more ? (events.at(-1)?.id ?? from) : Number.POSITIVE_INFINITY
      for (const caller of waiting)
        if (caller.afterId < pageEnd)
          caller.resolve({ events: events.filter((event) => event.id > caller.afterId), more })
      waiting = waiting.filter((caller) => caller.afterId >= pageEnd)
    }
  } catch (error) {
    for (const caller of waiting) caller.reject(error)
  }
}

/**
 * Makes the reads of one feed that are asked for in the same turn of the event loop once: a notification
 * wakes all the streams of a party together (a user's tabs, a shop's members, a company's staff), and each
 * would read the same rows. The reads start after every caller was woken, so they see what each wake
 * announced; each caller gets the page's events after its own id.
 */
export function createSharedReads() {
  const asked = new Map<string, Asked[]>()

  return function readShared(
    feedKey: string,
    afterId: number,
    pageSize: number,
    read: Read,
  ): Promise<EventPage> {
    return new Promise((resolve, reject) => {
      const waiting = asked.get(feedKey)
      if (waiting) return void waiting.push({ afterId, resolve, reject })
      const callers: Asked[] = [{ afterId, resolve, reject }]
      asked.set(feedKey, callers)
      queueMicrotask(() => {
        asked.delete(feedKey)
        void answer(callers, read, pageSize)
      })
    })
  }
}
