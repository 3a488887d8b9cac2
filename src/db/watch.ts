import type { Listener } from './listener.ts'

/** How a cache kept by watchChannel bounds itself. */
export type WatchedCacheOptions = {
  /**
   * How long an entry is trusted without asking the database. Notifications are what end an entry; this only
   * bounds a change that reached the database without its triggers (a restore as a replica, say).
   */
  ttlMs?: number
  /** Past this many entries (of a kind) the oldest goes. */
  maxEntries?: number
  now?: () => number
}

/** Sets `key` in a cache's `entries`; past `maxEntries`, a new key first drops the oldest one set. */
export function setBounded<K, V>(entries: Map<K, V>, key: K, value: V, maxEntries: number) {
  if (!entries.has(key) && entries.size >= maxEntries) {
    const oldest = entries.keys().next().value
    if (oldest !== undefined) entries.delete(oldest)
  }
  entries.set(key, value)
}

/** A cache that a channel's notifications keep right (see watchChannel). */
export type WatchedCache = {
  /** The instance listens: the cache may keep what it reads. */
  enable(): void
  /** A notification: drop what it names. */
  forget(payload: string): void
  /** The listener dropped, so changes may go unheard: drop everything and keep nothing. */
  disable(): void
}

/**
 * Keeps `cache` while this instance hears `channel`, the channel its changes are announced on (the listener
 * connects again after a loss). Returns how to stop, which also disables the cache.
 */
export async function watchChannel(
  listener: Listener,
  channel: string,
  cache: WatchedCache,
): Promise<() => Promise<void>> {
  const unsubscribe = await listener.subscribe(channel, {
    notify: (payload) => cache.forget(payload),
    heard: () => cache.enable(),
    deaf: () => cache.disable(),
  })
  return async () => {
    unsubscribe()
    cache.disable()
  }
}
