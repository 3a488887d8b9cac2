import { and, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { orderItems, orders, products, sellerMembers, sellers, users } from '../../db/schema/index.ts'

export type SyncedUser = Pick<
  typeof users.$inferInsert,
  | 'externalId'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'phone'
  | 'displayName'
  | 'avatarUrl'
  | 'cityId'
  | 'isActive'
> & { externalId: string }
export type SyncedSeller = Pick<
  typeof sellers.$inferInsert,
  'name' | 'avatarUrl' | 'cityId' | 'rating' | 'reviewsCount'
> & { externalId: string }
export type SyncedProduct = Pick<
  typeof products.$inferInsert,
  'sellerId' | 'name' | 'price' | 'imageUrl' | 'images' | 'attributes' | 'isPublished' | 'publishedAt'
> & { externalId: string }
export type SyncedOrder = Pick<typeof orders.$inferInsert, 'customerId' | 'number' | 'status'> & {
  externalId: string
}
export type SyncedOrderItem = Pick<
  typeof orderItems.$inferInsert,
  'productId' | 'status' | 'quantity' | 'price'
> & {
  externalId: string
}

type Ids = { id: number; externalId: string }
const idsOf = (rows: { id: number; externalId: string | null }[]): Ids[] =>
  rows.map((row) => ({ id: row.id, externalId: row.externalId ?? '' }))

/**
 * The shop's rows mirrored in Parley, written by the shop's own ids: `(company_id, external_id)` is unique,
 * so each write is an upsert and sending the same batch twice leaves the same rows.
 */
export const syncRepository = {
  async userIds(db: Db, companyId: number, externalIds: string[]): Promise<Ids[]> {
    if (externalIds.length === 0) return []
    const rows = await db
      .select({ id: users.id, externalId: users.externalId })
      .from(users)
      .where(and(eq(users.companyId, companyId), inArray(users.externalId, externalIds)))
    return idsOf(rows)
  },

  /** Users holding these emails (any case), to refuse an email that belongs to another shop id. */
  async usersByEmail(db: Db, companyId: number, emails: string[]) {
    if (emails.length === 0) return []
    return db
      .select({ externalId: users.externalId, email: sql<string>`lower(${users.email})` })
      .from(users)
      .where(and(eq(users.companyId, companyId), inArray(sql`lower(${users.email})`, emails)))
  },

  async sellerIds(db: Db, companyId: number, externalIds: string[]): Promise<Ids[]> {
    if (externalIds.length === 0) return []
    const rows = await db
      .select({ id: sellers.id, externalId: sellers.externalId })
      .from(sellers)
      .where(and(eq(sellers.companyId, companyId), inArray(sellers.externalId, externalIds)))
    return idsOf(rows)
  },

  async productIds(db: Db, companyId: number, externalIds: string[]): Promise<Ids[]> {
    if (externalIds.length === 0) return []
    const rows = await db
      .select({ id: products.id, externalId: products.externalId })
      .from(products)
      .where(and(eq(products.companyId, companyId), inArray(products.externalId, externalIds)))
    return idsOf(rows)
  },

  async upsertUsers(db: Db, companyId: number, batch: SyncedUser[]): Promise<Ids[]> {
    const rows = await db
      .insert(users)
      .values(batch.map((user) => ({ ...user, companyId })))
      .onConflictDoUpdate({
        target: [users.companyId, users.externalId],
        set: {
          email: sql`excluded.email`,
          firstName: sql`excluded.first_name`,
          lastName: sql`excluded.last_name`,
          phone: sql`excluded.phone`,
          displayName: sql`excluded.display_name`,
          avatarUrl: sql`excluded.avatar_url`,
          cityId: sql`excluded.city_id`,
          isActive: sql`excluded.is_active`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: users.id, externalId: users.externalId })
    return idsOf(rows)
  },

  async upsertSellers(db: Db, companyId: number, batch: SyncedSeller[]): Promise<Ids[]> {
    const rows = await db
      .insert(sellers)
      .values(batch.map((seller) => ({ ...seller, companyId })))
      .onConflictDoUpdate({
        target: [sellers.companyId, sellers.externalId],
        set: {
          name: sql`excluded.name`,
          avatarUrl: sql`excluded.avatar_url`,
          cityId: sql`excluded.city_id`,
          rating: sql`excluded.rating`,
          reviewsCount: sql`excluded.reviews_count`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: sellers.id, externalId: sellers.externalId })
    return idsOf(rows)
  },

  /** Makes these users the seller's members, and only them. */
  async replaceMembers(db: Db, sellerId: number, userIds: number[]) {
    await db
      .delete(sellerMembers)
      .where(
        userIds.length === 0
          ? eq(sellerMembers.sellerId, sellerId)
          : and(eq(sellerMembers.sellerId, sellerId), notInArray(sellerMembers.userId, userIds)),
      )
    if (userIds.length === 0) return
    await db
      .insert(sellerMembers)
      .values(userIds.map((userId) => ({ sellerId, userId })))
      .onConflictDoNothing()
  },

  async upsertProducts(db: Db, companyId: number, batch: SyncedProduct[]): Promise<Ids[]> {
    const rows = await db
      .insert(products)
      .values(batch.map((product) => ({ ...product, companyId })))
      .onConflictDoUpdate({
        target: [products.companyId, products.externalId],
        set: {
          sellerId: sql`excluded.seller_id`,
          name: sql`excluded.name`,
          price: sql`excluded.price`,
          imageUrl: sql`excluded.image_url`,
          images: sql`excluded.images`,
          attributes: sql`excluded.attributes`,
          isPublished: sql`excluded.is_published`,
          // The first publication time is kept when the shop does not send one.
          publishedAt: sql`coalesce(excluded.published_at, ${products.publishedAt})`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: products.id, externalId: products.externalId })
    return idsOf(rows)
  },

  /** Recounts the sellers' products, which the storefront shows on each seller. */
  async recountProducts(db: Db, sellerIds: number[]) {
    if (sellerIds.length === 0) return
    await db
      .update(sellers)
      .set({
        productsCount: sql`(select count(*) from ${products} where ${products.sellerId} = ${sellers.id})`,
      })
      .where(inArray(sellers.id, sellerIds))
  },

  async upsertOrder(db: Db, companyId: number, order: SyncedOrder): Promise<number> {
    const [row] = await db
      .insert(orders)
      .values({ ...order, companyId })
      .onConflictDoUpdate({
        target: [orders.companyId, orders.externalId],
        set: {
          customerId: sql`excluded.customer_id`,
          number: sql`excluded.number`,
          status: sql`excluded.status`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: orders.id })
    if (!row) throw new Error('upsert returned no row')
    return row.id
  },

  async upsertOrderItems(db: Db, orderId: number, items: SyncedOrderItem[]): Promise<Ids[]> {
    if (items.length === 0) return []
    const rows = await db
      .insert(orderItems)
      .values(items.map((item) => ({ ...item, orderId })))
      .onConflictDoUpdate({
        target: [orderItems.orderId, orderItems.externalId],
        set: {
          productId: sql`excluded.product_id`,
          status: sql`excluded.status`,
          quantity: sql`excluded.quantity`,
          price: sql`excluded.price`,
        },
      })
      .returning({ id: orderItems.id, externalId: orderItems.externalId })
    return idsOf(rows)
  },
}
