import { createWatchedCache, type WatchedCacheOptions } from '../../db/watched-cache.ts'
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

/**
 * Recently resolved sessions and API keys, so a repeat request skips the database. Keyed by the SHA-256 of the
 * secret, never the secret; only credentials that resolved are kept, so guessing fills nothing. Nothing is kept
 * until `enable` (the instance listens for changes) and everything is dropped on `disable`.
 */
export function createCredentialsCache(options: WatchedCacheOptions = {}) {
  // A quarter of an hour: a user who comes back after a pause of a few minutes costs no statement, and a
  // revocation is heard at once anyway. Bounded so that its memory stays small (docs/operations.md).
  const cache = createWatchedCache('credentials', { ttlMs: 15 * 60_000, maxEntries: 20_000 }, options)
  const credentials = cache.space<string, ResolvedCredential>()
  const endedListeners = new Set<(names: string[]) => void>()

  return {
    /** The principal of a credential, from memory when it was resolved recently, else from `lookup`. */
    async resolve(
      kind: CredentialKind,
      hash: string,
      lookup: () => Promise<ResolvedCredential | undefined>,
    ): Promise<Principal | undefined> {
      const key = `${kind}:${hash}`
      const at = cache.now()
      // A session's end is a fact of the row: once past, it is refused without asking again, fresh or not.
      if ((credentials.peek(key)?.expiresAt ?? Number.POSITIVE_INFINITY) <= at) {
        credentials.drop(key)
        return undefined
      }
      const held = credentials.get(key, at)
      if (held) return held.principal
      const readStartedAt = cache.readStarts()
      const found = await lookup()
      if (found) {
        const principal = Object.freeze({ ...found.principal })
        credentials.keep(key, { principal, expiresAt: found.expiresAt }, readStartedAt)
      }
      return found?.principal
    },

    /** Drops what a notification names (see CREDENTIALS_CHANNEL), and tells whoever listens for it. */
    forget(payload: string) {
      cache.changed()
      const names = payload.split(' ')
      const userIds = new Set<number>()
      for (const name of names) {
        if (name === '*') {
          cache.dropAll()
          break
        }
        if (name.startsWith('user:')) userIds.add(Number(name.slice('user:'.length)))
        else credentials.drop(name)
      }
      if (userIds.size > 0) credentials.dropWhere((held) => userIds.has(held.principal.userId))
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

    enable: cache.enable,
    disable: cache.disable,
    stats: cache.stats,

    get size() {
      return cache.size
    },
  }
}

export type CredentialsCache = ReturnType<typeof createCredentialsCache>
