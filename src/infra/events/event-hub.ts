import type { Database } from '../../db/client.ts'

/**
 * One LISTEN per instance on the events channel, fanned out to the streams held open on this instance.
 * A notification carries only the keys it concerns; streams read the events themselves, so a payload is
 * never too large and a stream that missed a wake-up catches up on the next one.
 */
export function createEventHub(database: Database, channel: string) {
  const subscribers = new Map<string, Set<() => void>>()
  const openStreams = new Set<() => void>()
  let unlisten: (() => Promise<void>) | undefined

  function dispatch(payload: string) {
    const woken = new Set<() => void>()
    for (const key of payload.split(' ')) {
      for (const wake of subscribers.get(key) ?? []) woken.add(wake)
    }
    for (const wake of woken) wake()
  }

  return {
    async start() {
      unlisten ??= await database.listen(channel, dispatch)
    },
    /** Stops listening and ends every open stream, so the server can close. */
    async stop() {
      for (const end of openStreams) end()
      await unlisten?.()
      unlisten = undefined
    },
    /** Remembers how to end a long-lived stream at shutdown; returns the function that forgets it. */
    track(end: () => void): () => void {
      openStreams.add(end)
      return () => openStreams.delete(end)
    },
    /** Calls `wake` whenever an event for one of `keys` commits, until the returned function is called. */
    subscribe(keys: string[], wake: () => void): () => void {
      for (const key of keys) {
        const set = subscribers.get(key) ?? new Set()
        set.add(wake)
        subscribers.set(key, set)
      }
      return () => {
        for (const key of keys) {
          const set = subscribers.get(key)
          set?.delete(wake)
          if (set?.size === 0) subscribers.delete(key)
        }
      }
    },
  }
}

export type EventHub = ReturnType<typeof createEventHub>
