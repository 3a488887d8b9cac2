import type { Db } from '../../../db/client.ts'
import type { Listener } from '../../../db/listener.ts'
import { onePerDatabase } from '../../../db/per-database.ts'
import { setBounded, type WatchedCacheOptions, watchChannel } from '../../../db/watch.ts'
import type { ConversationItem, ItemType, SellerSummary, UserSummary } from '../types.ts'
import { type ShownIds, shownRecordsRepository } from './shown-records-repository.ts'

/**
 * The channel the database notifies when a shown record may have changed (migration 0006_shown_notify): a
 * space-separated list of `user:<id>`, `seller:<id>`, `product:<id>`, `order:<id>` and `orderitem:<id>`, or
 * `*` when a statement touched too many rows to list.
 */
export const SHOWN_CHANNEL = 'parley_shown'

/** What a read asks to be shown: users and sellers by id, items by `itemKey`. */
export type Wanted = { users: Set<number>; sellers: Set<number>; items: Set<string> }

/** What a read shows, found, keyed as it was asked for; a record that does not exist is absent. */
export type Shown = {
  users: Map<number, UserSummary>
  sellers: Map<number, SellerSummary>
  items: Map<string, ConversationItem>
}

export const itemKey = (type: string, id: number) => `${type}:${id}`

/** What a conversation row names to be shown: its customer, seller and item, by id. */
export type ConversationRefs = {
  id: number
  customerId: number
  sellerId: number | null
  itemType: ItemType | null
  itemId: number | null
}

export const nothingWanted = (): Wanted => ({ users: new Set(), sellers: new Set(), items: new Set() })

export function wantConversation(wanted: Wanted, refs: ConversationRefs) {
  wanted.users.add(refs.customerId)
  if (refs.sellerId !== null) wanted.sellers.add(refs.sellerId)
  if (refs.itemType !== null && refs.itemId !== null) wanted.items.add(itemKey(refs.itemType, refs.itemId))
}

/**
 * The customer, seller and item a conversation row names, as shown. A seller or item that is gone shows as
 * null; a conversation always has its customer, so one that is gone is an error.
 */
export function shownConversation(shown: Shown, refs: ConversationRefs) {
  const customer = shown.users.get(refs.customerId)
  if (!customer) throw new Error(`conversation ${refs.id} has no customer ${refs.customerId}`)
  const { sellerId, itemType, itemId } = refs
  return {
    customer,
    seller: (sellerId !== null && shown.sellers.get(sellerId)) || null,
    item: (itemType !== null && itemId !== null && shown.items.get(itemKey(itemType, itemId))) || null,
  }
}

const keyOfItem = (item: ConversationItem) =>
  item.type === 'product' ? itemKey('product', item.product.id) : itemKey('orderitem', item.orderItem.id)

type Entry<T> = { value: T; freshUntil: number }

/**
 * The customers, sellers and items that conversations show, kept between requests: a conversation's page
 * names them by id and reads from the database only those not held here. Read with every page, the same few
 * people and products again and again, they were 40% of a retrieve's statement time; held here, a customer's
 * inbox page cost the machine a third less CPU, and answered 40% more pages a second on the bench's large
 * set. Nothing is kept until `enable` (the instance listens for changes, see watchShown) and everything is
 * dropped on `disable`.
 */
export function createShownCache(options: WatchedCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? 15 * 60_000
  // A few hundred bytes an entry, so 20k of each kind is a few MB.
  const maxEntries = options.maxEntries ?? 20_000
  const now = options.now ?? Date.now
  const users = new Map<number, Entry<UserSummary>>()
  const sellers = new Map<number, Entry<SellerSummary>>()
  const items = new Map<string, Entry<ConversationItem>>()
  let enabled = false
  // Bumped by every invalidation: a read that raced one may have read what it drops, so it is not kept.
  let generation = 0

  function keep<K, T>(entries: Map<K, Entry<T>>, key: K, value: T, freshUntil: number) {
    setBounded(entries, key, { value, freshUntil }, maxEntries)
  }

  /** Puts each fresh entry of `keys` into `found`; returns the keys it did not hold. */
  function take<K, T>(entries: Map<K, Entry<T>>, keys: Set<K>, at: number, found: Map<K, T>): K[] {
    const missing: K[] = []
    for (const key of keys) {
      const entry = entries.get(key)
      if (entry && entry.freshUntil > at) found.set(key, entry.value)
      else missing.push(key)
    }
    return missing
  }

  function forgetAll() {
    users.clear()
    sellers.clear()
    items.clear()
  }

  return {
    /** The records `wanted` names, from memory where held, the rest read from `db` in one statement. */
    async show(db: Db, wanted: Wanted): Promise<Shown> {
      const shown: Shown = { users: new Map(), sellers: new Map(), items: new Map() }
      const at = now()
      const missingItems = take(items, wanted.items, at, shown.items)
      const ids: ShownIds = {
        users: take(users, wanted.users, at, shown.users),
        sellers: take(sellers, wanted.sellers, at, shown.sellers),
        products: [],
        orderItems: [],
      }
      for (const key of missingItems) {
        const [type, id] = key.split(':')
        ;(type === 'product' ? ids.products : ids.orderItems).push(Number(id))
      }
      if (ids.users.length + ids.sellers.length + missingItems.length === 0) return shown
      const readAt = generation
      const records = await shownRecordsRepository.find(db, ids)
      const keeps = enabled && generation === readAt
      const freshUntil = now() + ttlMs
      for (const user of records.users) {
        shown.users.set(user.id, user)
        if (keeps) keep(users, user.id, user, freshUntil)
      }
      for (const seller of records.sellers) {
        shown.sellers.set(seller.id, seller)
        if (keeps) keep(sellers, seller.id, seller, freshUntil)
      }
      for (const item of records.items) {
        const key = keyOfItem(item)
        shown.items.set(key, item)
        if (keeps) keep(items, key, item, freshUntil)
      }
      return shown
    },

    /** Where a read of records starts: pass it to `holdUser` with what the read found. */
    readStarts: () => generation,

    /** Holds a user read elsewhere (see accounts-service's principalOfSession), as `show` would have. */
    holdUser(user: UserSummary, readStartedAt: number) {
      if (enabled && generation === readStartedAt) keep(users, user.id, user, now() + ttlMs)
    },

    /** Drops the entries a notification on SHOWN_CHANNEL names. */
    forget(payload: string) {
      generation += 1
      if (payload === '*') {
        forgetAll()
        return
      }
      // The items that show a named seller, product or order are found in one pass over them, however many
      // names a catalog sync's notification lists.
      const shownIn = { seller: new Set<number>(), product: new Set<number>(), order: new Set<number>() }
      for (const name of payload.split(' ')) {
        const [kind, text] = name.split(':')
        const id = Number(text)
        if (kind === 'user') users.delete(id)
        else if (kind === 'orderitem') items.delete(itemKey('orderitem', id))
        else if (kind === 'seller' || kind === 'product' || kind === 'order') shownIn[kind].add(id)
      }
      for (const id of shownIn.seller) sellers.delete(id)
      if (shownIn.seller.size + shownIn.product.size + shownIn.order.size === 0) return
      for (const [key, { value: item }] of items) {
        const { product } = item
        if (
          shownIn.product.has(product.id) ||
          (product.seller !== null && shownIn.seller.has(product.seller.id)) ||
          (item.type === 'orderitem' && shownIn.order.has(item.order.id))
        )
          items.delete(key)
      }
    },

    enable() {
      enabled = true
    },

    disable() {
      enabled = false
      generation += 1
      forgetAll()
    },
  }
}

export type ShownCache = ReturnType<typeof createShownCache>

// One cache per database handle: ids are only unique within a database. A transaction's handle gets one
// that is never enabled, so what it reads is its own snapshot's.
export const shownCacheOf = onePerDatabase(() => createShownCache())

/** The records `wanted` names, as `db` sees them (see createShownCache). */
export const show = (db: Db, wanted: Wanted) => shownCacheOf(db).show(db, wanted)

/**
 * Keeps the database's shown cache while this instance hears, on SHOWN_CHANNEL, of every change that would
 * make an entry wrong; returns how to stop (and forget them all).
 */
export const watchShown = (db: Db, listener: Listener) => {
  return watchChannel(listener, SHOWN_CHANNEL, shownCacheOf(db))
}
