import type { Listener } from '../../db/listener.ts'

/** The key of a stream that is woken by every committed event (the staff's, which reads its company's). */
export const EVERY_EVENT = '*'

/** Who a stream serves: its session's name in credential notifications, and its user. */
export type StreamOwner = { credential: string; userId: number }

/**
 * The events channel, heard on the instance's listener, fanned out to the streams held open on this instance.
 * A notification carries only the keys it concerns; streams read the events themselves, so a payload is
 * never too large and a stream that missed a wake-up catches up on the next one. When the listener hears
 * again after a loss, every stream is woken: each reads from the events table what was written meanwhile.
 */
export function createEventHub(listener: Listener, channel: string) {
  const subscribers = new Map<string, Set<() => void>>()
  /** How to end each open stream, with the session and user it serves when it serves one. */
  const openStreams = new Map<() => void, StreamOwner | undefined>()
  /** Per surface, for /metrics: streams open now, events written, and streams resumed from Last-Event-ID. */
  const streams = {
    open: new Map<string, number>(),
    sent: new Map<string, number>(),
    replays: new Map<string, number>(),
  }
  const add = (counts: Map<string, number>, surface: string, by = 1) =>
    counts.set(surface, (counts.get(surface) ?? 0) + by)
  let unlisten: (() => void) | undefined

  function dispatch(payload: string) {
    const woken = new Set<() => void>()
    for (const key of [...payload.split(' '), EVERY_EVENT]) {
      for (const wake of subscribers.get(key) ?? []) woken.add(wake)
    }
    for (const wake of woken) wake()
  }

  function catchUp() {
    const woken = new Set<() => void>()
    for (const wakes of subscribers.values()) for (const wake of wakes) woken.add(wake)
    for (const wake of woken) wake()
  }

  return {
    async start() {
      unlisten ??= await listener.subscribe(channel, { notify: dispatch, heard: catchUp })
    },
    /** Stops listening and ends every open stream, so the server can close. */
    async stop() {
      for (const end of [...openStreams.keys()]) end()
      unlisten?.()
      unlisten = undefined
    },
    /**
     * Remembers how to end a surface's long-lived stream at shutdown, or when the session it serves ends;
     * returns the function that forgets it.
     */
    track(end: () => void, surface: string, owner?: StreamOwner): () => void {
      openStreams.set(end, owner)
      add(streams.open, surface)
      return () => {
        if (openStreams.delete(end)) add(streams.open, surface, -1)
      }
    },
    /**
     * Ends the streams of the credentials a notification names (`session:<hash>`, `user:<id>`; `*` names them
     * all): a logout, on this instance or another, ends the session's streams at once.
     */
    endStreamsOf(names: string[]) {
      const all = names.includes('*')
      const named = new Set(names)
      for (const [end, owner] of [...openStreams]) {
        if (owner && (all || named.has(owner.credential) || named.has(`user:${owner.userId}`))) end()
      }
    },
    /** A stream of `surface` wrote an event. */
    sent: (surface: string) => add(streams.sent, surface),
    /** A stream of `surface` began from a client's Last-Event-ID, so it replays what the client missed. */
    replayed: (surface: string) => add(streams.replays, surface),
    streams,
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
