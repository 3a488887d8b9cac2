import type { Db } from '../../db/client.ts'
import type { Listener } from '../../db/listener.ts'
import { onePerDatabase } from '../../db/per-database.ts'
import { createWatchedCache, type WatchedCacheOptions, watchChannel } from '../../db/watched-cache.ts'
import type { SettingOverride } from '../settings/settings-repository.ts'

/**
 * The channel the database notifies, with `*`, when a contact subject or a setting changes (migration
 * 0007_contact_context_notify).
 */
export const CONTACT_CONTEXT_CHANNEL = 'parley_contact_context'

/** A contact subject as a contact-us form is checked against it. */
export type FormSubject = {
  id: number
  texts: Record<string, string>
  defaultLanguage: string
  isOrderNeeded: boolean
}

/** What a form without an order is checked against: its subject and its company's setting overrides. */
export type HeldContext = { subject: FormSubject; settingOverrides: SettingOverride[] }

/**
 * The subjects and settings contact-us forms are checked against, kept between submissions: they change
 * rarely, and reading them was one of a submission's two statements. Nothing is kept until `enable` (the
 * instance listens for changes, see watchContactContexts); any change drops everything, since subjects and
 * settings are few and their writes rare.
 */
export function createContextCache(options: WatchedCacheOptions = {}) {
  const cache = createWatchedCache('contact_context', { ttlMs: 15 * 60_000, maxEntries: 10_000 }, options)
  const contexts = cache.space<string, HeldContext>()
  const keyOf = (companyId: number, subjectId: number) => `${companyId}:${subjectId}`

  return {
    get: (companyId: number, subjectId: number) => contexts.get(keyOf(companyId, subjectId)),

    /** Where a read starts: pass it to `keep` with what the read found. */
    readStarts: cache.readStarts,

    keep(companyId: number, subjectId: number, value: HeldContext, readStartedAt: number) {
      contexts.keep(keyOf(companyId, subjectId), value, readStartedAt)
    },

    forget: () => cache.dropAll(),
    enable: cache.enable,
    disable: cache.disable,
    stats: cache.stats,
  }
}

export type ContextCache = ReturnType<typeof createContextCache>

// One cache per database handle, as the shown cache (see shownCacheOf).
export const contextCacheOf = onePerDatabase(() => createContextCache())

/**
 * `write`, a change to subjects or settings, with this instance's held contexts dropped once it is done: the
 * notification would drop them too, but only a moment after, and the instance that made a change shows it
 * on its very next request.
 */
export const changingContexts = <T>(db: Db, write: Promise<T>) =>
  write.finally(() => contextCacheOf(db).forget())

/**
 * Keeps the database's contact-us context cache while this instance hears, on CONTACT_CONTEXT_CHANNEL, of
 * every change to subjects and settings; returns how to stop (and forget them all).
 */
export const watchContactContexts = (db: Db, listener: Listener) => {
  return watchChannel(listener, CONTACT_CONTEXT_CHANNEL, contextCacheOf(db))
}
