import type { Db } from '../../db/client.ts'
import type { ProductAttributes, ProductImage } from '../../db/schema/index.ts'
import { shownCacheOf } from '../conversations/queries/shown-cache.ts'
import { type FieldProblems, ItemErrors, type Problem } from '../errors.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import {
  type SyncedOrderItem,
  type SyncedSeller,
  type SyncedUser,
  syncRepository,
} from './sync-repository.ts'

export type UserSync = Omit<SyncedUser, 'email'> & { email: string }
export type SellerSync = SyncedSeller & { memberExternalIds?: string[] }
export type ProductSync = {
  externalId: string
  sellerExternalId?: string | null
  name: string
  price?: string
  imageUrl?: string | null
  images?: ProductImage[]
  attributes?: ProductAttributes
  isPublished?: boolean
  publishedAt?: Date | null
}
export type OrderSync = {
  externalId: string
  customerExternalId: string
  number?: string
  status?: string
  items?: (Omit<SyncedOrderItem, 'productId'> & { productExternalId: string })[]
}

/** The Parley id given to each shop id; an order's items are listed the same way. */
export type SyncResult = { externalId: string; id: number; items?: { externalId: string; id: number }[] }

const doesNotExist = (value: string): Problem => ({ code: 'unknown_external_id', value })

/** One error object per item, DRF's `many=True` shape; throws when any item has a problem. */
class BatchCheck {
  readonly items: FieldProblems[]
  constructor(size: number) {
    this.items = Array.from({ length: size }, () => ({}))
  }
  add(index: number, field: string, problem: Problem) {
    const item = this.items[index]
    if (item) item[field] = [...(item[field] ?? []), problem]
  }
  /** Refuses a shop id sent twice in one batch: which of the two should win is the sender's call. */
  unique(values: string[], field: string, what = 'external_id') {
    const seen = new Set<string>()
    values.forEach((value, index) => {
      if (seen.has(value)) this.add(index, field, { code: 'duplicate_in_request', field: what, value })
      seen.add(value)
    })
  }
  throwIfAny() {
    if (this.items.some((item) => Object.keys(item).length > 0)) throw new ItemErrors(this.items)
  }
}

const byExternalId = (rows: { id: number; externalId: string }[]) =>
  new Map(rows.map((row) => [row.externalId, row.id]))
const unique = (values: string[]) => [...new Set(values)]

/**
 * Keeps Parley's mirror of the shop's users, sellers, products and orders in step with the shop. Each
 * batch is checked whole before anything is written, and written in one transaction.
 */
export function createCatalogSync(db: Db) {
  // This instance shows what a batch wrote from its next request on, not once the database's notification of
  // it arrives (see shownCacheOf); other instances hear of it from the notification.
  const written = <T>(write: Promise<T>) => write.finally(() => shownCacheOf(db).forget('*'))
  const inOrder = (ids: Map<string, number>, externalIds: string[]): SyncResult[] =>
    externalIds.map((externalId) => ({ externalId, id: ids.get(externalId) ?? 0 }))

  // An empty batch is valid and changes nothing; an INSERT needs at least one row, so it is not attempted.
  return {
    async users(principal: Principal, batch: UserSync[]): Promise<SyncResult[]> {
      requireStaff(principal)
      if (batch.length === 0) return []
      const check = new BatchCheck(batch.length)
      check.unique(
        batch.map((user) => user.externalId),
        'external_id',
      )
      check.unique(
        batch.map((user) => user.email.toLowerCase()),
        'email',
        'email',
      )
      const emails = unique(batch.map((user) => user.email.toLowerCase()))
      const holders = await syncRepository.usersByEmail(db, principal.companyId, emails)
      batch.forEach((user, index) => {
        const holder = holders.find((row) => row.email === user.email.toLowerCase())
        if (holder && holder.externalId !== user.externalId) {
          check.add(index, 'email', { code: 'unique', model: 'user', field: 'email' })
        }
      })
      check.throwIfAny()
      const ids = await written(syncRepository.upsertUsers(db, principal.companyId, batch))
      return inOrder(
        byExternalId(ids),
        batch.map((user) => user.externalId),
      )
    },

    async sellers(principal: Principal, batch: SellerSync[]): Promise<SyncResult[]> {
      requireStaff(principal)
      if (batch.length === 0) return []
      const check = new BatchCheck(batch.length)
      check.unique(
        batch.map((seller) => seller.externalId),
        'external_id',
      )
      const memberIds = byExternalId(
        await syncRepository.userIds(
          db,
          principal.companyId,
          unique(batch.flatMap((s) => s.memberExternalIds ?? [])),
        ),
      )
      batch.forEach((seller, index) => {
        for (const member of seller.memberExternalIds ?? []) {
          if (!memberIds.has(member)) check.add(index, 'member_external_ids', doesNotExist(member))
        }
      })
      check.throwIfAny()
      return written(
        db.transaction(async (tx) => {
          const ids = byExternalId(
            await syncRepository.upsertSellers(
              tx,
              principal.companyId,
              batch.map(({ memberExternalIds: _members, ...seller }) => seller),
            ),
          )
          for (const seller of batch) {
            const sellerId = ids.get(seller.externalId)
            if (sellerId === undefined || seller.memberExternalIds === undefined) continue
            const userIds = seller.memberExternalIds.flatMap((member) => memberIds.get(member) ?? [])
            await syncRepository.replaceMembers(tx, sellerId, [...new Set(userIds)])
          }
          return inOrder(
            ids,
            batch.map((seller) => seller.externalId),
          )
        }),
      )
    },

    async products(principal: Principal, batch: ProductSync[]): Promise<SyncResult[]> {
      requireStaff(principal)
      if (batch.length === 0) return []
      const check = new BatchCheck(batch.length)
      check.unique(
        batch.map((product) => product.externalId),
        'external_id',
      )
      const wanted = unique(batch.flatMap((product) => product.sellerExternalId ?? []))
      const sellerIds = byExternalId(await syncRepository.sellerIds(db, principal.companyId, wanted))
      batch.forEach((product, index) => {
        const seller = product.sellerExternalId
        if (seller && !sellerIds.has(seller)) check.add(index, 'seller_external_id', doesNotExist(seller))
      })
      check.throwIfAny()
      const now = new Date()
      const rows = batch.map(({ sellerExternalId, ...product }) => ({
        ...product,
        sellerId: sellerExternalId ? (sellerIds.get(sellerExternalId) ?? null) : null,
        isPublished: product.isPublished ?? true,
        publishedAt: product.publishedAt ?? ((product.isPublished ?? true) ? now : null),
      }))
      return written(
        db.transaction(async (tx) => {
          const ids = byExternalId(await syncRepository.upsertProducts(tx, principal.companyId, rows))
          await syncRepository.recountProducts(tx, [...sellerIds.values()])
          return inOrder(
            ids,
            batch.map((product) => product.externalId),
          )
        }),
      )
    },

    /** Upserts orders and their items by the shop's ids; an item the shop stops sending is kept. */
    async orders(principal: Principal, batch: OrderSync[]): Promise<SyncResult[]> {
      requireStaff(principal)
      const check = new BatchCheck(batch.length)
      check.unique(
        batch.map((order) => order.externalId),
        'external_id',
      )
      const customers = byExternalId(
        await syncRepository.userIds(
          db,
          principal.companyId,
          unique(batch.map((order) => order.customerExternalId)),
        ),
      )
      const productIds = byExternalId(
        await syncRepository.productIds(
          db,
          principal.companyId,
          unique(batch.flatMap((order) => (order.items ?? []).map((item) => item.productExternalId))),
        ),
      )
      batch.forEach((order, index) => {
        if (!customers.has(order.customerExternalId)) {
          check.add(index, 'customer_external_id', doesNotExist(order.customerExternalId))
        }
        const items = order.items ?? []
        const seen = new Set<string>()
        for (const item of items) {
          if (!productIds.has(item.productExternalId))
            check.add(index, 'items', doesNotExist(item.productExternalId))
          if (seen.has(item.externalId)) {
            check.add(index, 'items', {
              code: 'duplicate_in_request',
              field: 'external_id',
              value: item.externalId,
            })
          }
          seen.add(item.externalId)
        }
      })
      check.throwIfAny()
      return written(
        db.transaction(async (tx) => {
          const results: SyncResult[] = []
          for (const order of batch) {
            const id = await syncRepository.upsertOrder(tx, principal.companyId, {
              externalId: order.externalId,
              customerId: customers.get(order.customerExternalId) ?? 0,
              number: order.number ?? '',
              status: order.status ?? 'new',
            })
            const items = await syncRepository.upsertOrderItems(
              tx,
              id,
              (order.items ?? []).map(({ productExternalId, ...item }) => ({
                ...item,
                productId: productIds.get(productExternalId) ?? 0,
              })),
            )
            const itemIds = byExternalId(items)
            results.push({
              externalId: order.externalId,
              id,
              items: (order.items ?? []).map((item) => ({
                externalId: item.externalId,
                id: itemIds.get(item.externalId) ?? 0,
              })),
            })
          }
          return results
        }),
      )
    },
  }
}

export type CatalogSync = ReturnType<typeof createCatalogSync>
