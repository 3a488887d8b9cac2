import type { Listener } from './listener.ts'

/** How a watched cache bounds itself. */
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

/** What a cache has done since it was made: the counters the metrics export. */
export type CacheStats = { name: string; hits: number; misses: number; drops: number; size: number }

type Entry<V> = { value: V; freshUntil: number }

/** Sets `key` in `entries`; past `maxEntries`, a new key first drops the oldest one set. */
function setBounded<K, V>(entries: Map<K, V>, key: K, value: V, maxEntries: number) {
  if (!entries.has(key) && entries.size >= maxEntries) {
    const oldest = entries.keys().next().value
    if (oldest !== undefined) entries.delete(oldest)
  }
  entries.set(key, value)
}

/**
 * The one cache of what the database announces changes of: entries of one or more kinds (`space`), each
 * bounded and trusted for a TTL, and nothing kept unless the instance hears the cache's channel (see
 * watchChannel). A change bumps a generation: a read that started before it may have read what the change
 * makes wrong, so what it found is answered but not kept. Each cache (credentials, shown records,
 * contact-us contexts) is a configuration of this one: its kinds, bounds, and how a notification names what
 * to drop.
 */
export function createWatchedCache(
  name: string,
  defaults: { ttlMs: number; maxEntries: number },
  options: WatchedCacheOptions = {},
) {
  const ttlMs = options.ttlMs ?? defaults.ttlMs
  const maxEntries = options.maxEntries ?? defaults.maxEntries
  const now = options.now ?? Date.now
  const spaces: Map<unknown, Entry<unknown>>[] = []
  const counts = { hits: 0, misses: 0, drops: 0 }
  let enabled = false
  let generation = 0

  const size = () => spaces.reduce((total, entries) => total + entries.size, 0)

  function clear() {
    for (const entries of spaces) {
      counts.drops += entries.size
      entries.clear()
    }
  }

  return {
    now,

    /** A kind of entry, keyed by `K`. */
    space<K, V>() {
      const entries = new Map<K, Entry<V>>()
      spaces.push(entries as Map<unknown, Entry<unknown>>)
      return {
        /** The value held for `key` while fresh (a hit), else undefined (a miss). */
        get(key: K, at = now()): V | undefined {
          const entry = entries.get(key)
          if (entry && entry.freshUntil > at) {
            counts.hits += 1
            return entry.value
          }
          if (entry) entries.delete(key)
          counts.misses += 1
          return undefined
        },
        /** The value held for `key`, fresh or not, without counting: for facts of the value itself. */
        peek: (key: K): V | undefined => entries.get(key)?.value,
        /** Holds what a read that began at `readStartedAt` (see readStarts) found, unless a change came since. */
        keep(key: K, value: V, readStartedAt: number) {
          if (!enabled || generation !== readStartedAt) return
          setBounded(entries, key, { value, freshUntil: now() + ttlMs }, maxEntries)
        },
        drop(key: K) {
          if (entries.delete(key)) counts.drops += 1
        },
        /** Drops every entry whose value `matches`: one pass, however many a notification names. */
        dropWhere(matches: (value: V) => boolean) {
          for (const [key, entry] of entries) {
            if (matches(entry.value)) {
              entries.delete(key)
              counts.drops += 1
            }
          }
        },
        get size() {
          return entries.size
        },
      }
    },

    /** Where a read starts: pass it to `keep` with what the read found. */
    readStarts: () => generation,

    /** A change was announced: reads under way keep nothing (call before dropping what it names). */
    changed() {
      generation += 1
    },

    /** A change too wide to name: drop everything. */
    dropAll() {
      generation += 1
      clear()
    },

    /** The instance hears the channel: the cache may keep what it reads. */
    enable() {
      enabled = true
    },

    /** Changes may go unheard: drop everything and keep nothing. */
    disable() {
      enabled = false
      generation += 1
      clear()
    },

    get size() {
      return size()
    },

    stats(): CacheStats {
      return { name, ...counts, size: size() }
    },
  }
}

export type WatchedCache = ReturnType<typeof createWatchedCache>

/** What the channel's notifications do to a cache: drop what each names. */
export type Forget = (payload: string) => void

/**
 * Keeps `cache` while this instance hears `channel`, the channel its changes are announced on (the listener
 * connects again after a loss): `forget` is told each notification. Returns how to stop, which also disables
 * the cache.
 */
export async function watchChannel(
  listener: Listener,
  channel: string,
  cache: { enable(): void; disable(): void; forget: Forget },
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
