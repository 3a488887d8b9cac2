import type { Db } from '../../../db/client.ts'
import type { Listener } from '../../../db/listener.ts'
import { onePerDatabase } from '../../../db/per-database.ts'
import { createWatchedCache, type WatchedCacheOptions, watchChannel } from '../../../db/watched-cache.ts'
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
  /** Null for a conversation without a customer (see ConversationView's `customer`). */
  customerId: number | null
  sellerId: number | null
  itemType: ItemType | null
  itemId: number | null
}

export const nothingWanted = (): Wanted => ({ users: new Set(), sellers: new Set(), items: new Set() })

export function wantConversation(wanted: Wanted, refs: ConversationRefs) {
  if (refs.customerId !== null) wanted.users.add(refs.customerId)
  if (refs.sellerId !== null) wanted.sellers.add(refs.sellerId)
  if (refs.itemType !== null && refs.itemId !== null) wanted.items.add(itemKey(refs.itemType, refs.itemId))
}

/**
 * The customer, seller and item a conversation row names, as shown. A seller or item that is gone shows as
 * null; a customer named cannot be deleted (its foreign key), so one not found is an error.
 */
export function shownConversation(shown: Shown, refs: ConversationRefs) {
  const { customerId, sellerId, itemType, itemId } = refs
  const customer = customerId === null ? null : shown.users.get(customerId)
  if (customer === undefined) throw new Error(`conversation ${refs.id} has no customer ${customerId}`)
  return {
    customer,
    seller: (sellerId !== null && shown.sellers.get(sellerId)) || null,
    item: (itemType !== null && itemId !== null && shown.items.get(itemKey(itemType, itemId))) || null,
  }
}

const keyOfItem = (item: ConversationItem) =>
  item.type === 'product' ? itemKey('product', item.product.id) : itemKey('orderitem', item.orderItem.id)

/**
 * The customers, sellers and items that conversations show, kept between requests: a conversation's page
 * names them by id and reads from the database only those not held here; read with every page, the same few
 * people and products again and again, they were a large share of a page's statement time. Nothing is kept
 * until `enable` (the instance listens for changes, see watchShown) and everything is dropped on `disable`.
 */
export function createShownCache(options: WatchedCacheOptions = {}) {
  // A few hundred bytes an entry, so 20k of each kind is a few MB.
  const cache = createWatchedCache('shown', { ttlMs: 15 * 60_000, maxEntries: 20_000 }, options)
  const users = cache.space<number, UserSummary>()
  const sellers = cache.space<number, SellerSummary>()
  const items = cache.space<string, ConversationItem>()

  /** Puts each fresh entry of `keys` into `found`; returns the keys it did not hold. */
  function take<K, T>(
    space: { get(key: K, at: number): T | undefined },
    keys: Set<K>,
    at: number,
    found: Map<K, T>,
  ) {
    const missing: K[] = []
    for (const key of keys) {
      const value = space.get(key, at)
      if (value === undefined) missing.push(key)
      else found.set(key, value)
    }
    return missing
  }

  return {
    /** The records `wanted` names, from memory where held, the rest read from `db` in one statement. */
    async show(db: Db, wanted: Wanted): Promise<Shown> {
      const shown: Shown = { users: new Map(), sellers: new Map(), items: new Map() }
      const at = cache.now()
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
      const readAt = cache.readStarts()
      const records = await shownRecordsRepository.find(db, ids)
      for (const user of records.users) {
        shown.users.set(user.id, user)
        users.keep(user.id, user, readAt)
      }
      for (const seller of records.sellers) {
        shown.sellers.set(seller.id, seller)
        sellers.keep(seller.id, seller, readAt)
      }
      for (const item of records.items) {
        const key = keyOfItem(item)
        shown.items.set(key, item)
        items.keep(key, item, readAt)
      }
      return shown
    },

    /** Where a read of records starts: pass it to `holdUser` with what the read found. */
    readStarts: cache.readStarts,

    /** Holds a user read elsewhere (see accounts-service's principalOfSession), as `show` would have. */
    holdUser(user: UserSummary, readStartedAt: number) {
      users.keep(user.id, user, readStartedAt)
    },

    /** Drops the entries a notification on SHOWN_CHANNEL names. */
    forget(payload: string) {
      if (payload === '*') {
        cache.dropAll()
        return
      }
      cache.changed()
      // The items that show a named seller, product or order are found in one pass over them, however many
      // names a catalog sync's notification lists.
      const shownIn = { seller: new Set<number>(), product: new Set<number>(), order: new Set<number>() }
      for (const name of payload.split(' ')) {
        const [kind, text] = name.split(':')
        const id = Number(text)
        if (kind === 'user') users.drop(id)
        else if (kind === 'orderitem') items.drop(itemKey('orderitem', id))
        else if (kind === 'seller' || kind === 'product' || kind === 'order') shownIn[kind].add(id)
      }
      for (const id of shownIn.seller) sellers.drop(id)
      if (shownIn.seller.size + shownIn.product.size + shownIn.order.size === 0) return
      items.dropWhere((item) => {
        const { product } = item
        return (
          shownIn.product.has(product.id) ||
          (product.seller !== null && shownIn.seller.has(product.seller.id)) ||
          (item.type === 'orderitem' && shownIn.order.has(item.order.id))
        )
      })
    },

    enable: cache.enable,
    disable: cache.disable,
    stats: cache.stats,
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
