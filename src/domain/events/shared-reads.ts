import type { StoredEvent } from './events-repository.ts'

/** Events after the id a stream asked from, oldest first; `more` when the page was full, so more may follow. */
export type EventPage = { events: StoredEvent[]; more: boolean }

type Asked = { afterId: number; resolve: (page: EventPage) => void; reject: (error: unknown) => void }

/**
 * Makes the reads of one feed that are asked for in the same turn of the event loop once: a notification
 * wakes all the streams of a party together (a user's tabs, a shop's members, a company's staff), and each
 * would read the same rows. The one read starts from the lowest id asked for, after every caller was woken,
 * so it sees what each wake announced; each caller gets the page's events after its own id.
 */
export function createSharedReads() {
  const asked = new Map<string, Asked[]>()

  return function readShared(
    feedKey: string,
    afterId: number,
    pageSize: number,
    read: (afterId: number, limit: number) => Promise<StoredEvent[]>,
  ): Promise<EventPage> {
    return new Promise((resolve, reject) => {
      const waiting = asked.get(feedKey)
      if (waiting) return void waiting.push({ afterId, resolve, reject })
      const callers: Asked[] = [{ afterId, resolve, reject }]
      asked.set(feedKey, callers)
      queueMicrotask(() => {
        asked.delete(feedKey)
        const from = callers.reduce((lowest, caller) => Math.min(lowest, caller.afterId), afterId)
        read(from, pageSize).then(
          (events) => {
            const more = events.length >= pageSize
            for (const caller of callers)
              caller.resolve({ events: events.filter((event) => event.id > caller.afterId), more })
          },
          (error) => {
            for (const caller of callers) caller.reject(error)
          },
        )
      })
    })
  }
}
