import { setBounded, type WatchedCacheOptions } from '../../db/watch.ts'
import type { Principal } from '../principal.ts'

/**
 * The channel the database notifies when a cached credential may have changed (migration
 * 0002_credentials_notify): a space-separated list of `session:<hash>`, `key:<hash>` and `user:<id>`, or `*`
 * when a statement touched too many rows to list.
 */
export const CREDENTIALS_CHANNEL = 'parley_credentials'

export type CredentialKind = 'session' | 'key'

/** What a lookup found: who, and until when (ms since the epoch; Infinity for an API key) it holds. */
export type ResolvedCredential = { principal: Principal; expiresAt: number }

type Entry = ResolvedCredential & { freshUntil: number }

/**
 * Recently resolved sessions and API keys, so a repeat request skips the database. Keyed by the SHA-256 of the
 * secret, never the secret; only credentials that resolved are kept, so guessing fills nothing. Nothing is kept
 * until `enable` (the instance listens for changes) and everything is dropped on `disable`.
 */
export function createCredentialsCache(options: WatchedCacheOptions = {}) {
  // 15 minutes, not 1: at 60 s every user who came back after a minute cost a statement again. On the bench's
  // large set (10,000 customers, each back every 20-80 s), 11 of 14 alternating runs were faster with 15
  // minutes (the vendor inbox by 10-31%), the rest within noise.
  const ttlMs = options.ttlMs ?? 15 * 60_000
  // ~250 bytes an entry, so 20k is ~5 MB.
  const maxEntries = options.maxEntries ?? 20_000
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const endedListeners = new Set<(names: string[]) => void>()
  let enabled = false
  // Bumped by every invalidation: a lookup that raced one may have read what it drops, so it is not kept.
  let generation = 0

  function remember(key: string, found: ResolvedCredential) {
    const principal = Object.freeze({ ...found.principal })
    setBounded(entries, key, { principal, expiresAt: found.expiresAt, freshUntil: now() + ttlMs }, maxEntries)
  }

  function forgetUsers(userIds: Set<number>) {
    for (const [key, entry] of entries) {
      if (userIds.has(entry.principal.userId)) entries.delete(key)
    }
  }

  return {
    /** The principal of a credential, from memory when it was resolved recently, else from `lookup`. */
    async resolve(
      kind: CredentialKind,
      hash: string,
      lookup: () => Promise<ResolvedCredential | undefined>,
    ): Promise<Principal | undefined> {
      const key = `${kind}:${hash}`
      const entry = entries.get(key)
      if (entry) {
        const at = now()
        // A session's end is a fact of the row: once past, it is refused without asking again.
        if (entry.expiresAt <= at) {
          entries.delete(key)
          return undefined
        }
        if (entry.freshUntil > at) return entry.principal
        entries.delete(key)
      }
      const seen = generation
      const found = await lookup()
      if (found && enabled && seen === generation) remember(key, found)
      return found?.principal
    },

    /** Drops what a notification names (see CREDENTIALS_CHANNEL), and tells whoever listens for it. */
    forget(payload: string) {
      generation++
      const names = payload.split(' ')
      const userIds = new Set<number>()
      for (const name of names) {
        if (name === '*') {
          entries.clear()
          break
        }
        if (name.startsWith('user:')) userIds.add(Number(name.slice('user:'.length)))
        else entries.delete(name)
      }
      if (userIds.size > 0) forgetUsers(userIds)
      for (const listener of endedListeners) listener(names)
    },

    /**
     * Calls `listener` with the names of every notification (`session:<hash>`, `key:<hash>`, `user:<id>`,
     * `*`), the instance's own logouts included: what holds a credential longer than a request (an event
     * stream) ends with it. Returns how to stop.
     */
    onForget(listener: (names: string[]) => void): () => void {
      endedListeners.add(listener)
      return () => endedListeners.delete(listener)
    },

    enable() {
      enabled = true
    },

    disable() {
      enabled = false
      generation++
      entries.clear()
    },

    get size() {
      return entries.size
    },
  }
}

export type CredentialsCache = ReturnType<typeof createCredentialsCache>
