import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { locations, orderItems, orders, products, sellers, users } from '../../../db/schema/index.ts'
import { isSellerMemberSql } from '../../policy/parties-sql.ts'

/** The catalog and account rows a conversation is with or about, looked up within one company. */
export const catalogRepository = {
  async sellerExists(db: Db, companyId: number, sellerId: number): Promise<boolean> {
    const [row] = await db
      .select({ id: sellers.id })
      .from(sellers)
      .where(and(eq(sellers.companyId, companyId), eq(sellers.id, sellerId)))
    return row !== undefined
  },

  async locationExists(db: Db, companyId: number, locationId: number): Promise<boolean> {
    const [row] = await db
      .select({ id: locations.id })
      .from(locations)
      .where(and(eq(locations.companyId, companyId), eq(locations.id, locationId)))
    return row !== undefined
  },

  async isMember(db: Db, sellerId: number, userId: number): Promise<boolean> {
    const [row] = await db
      .select({ member: sql<boolean>`${isSellerMemberSql(sellerId, userId)}` })
      .from(sql`(select 1) as one`)
    return row?.member === true
  },

  async customerExists(db: Db, companyId: number, userId: number): Promise<boolean> {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.companyId, companyId), eq(users.id, userId), eq(users.isActive, true)))
    return row !== undefined
  },

  /** The product's seller, or null for one the shop sells itself; undefined when there is no such product. */
  async sellerOfProduct(db: Db, companyId: number, productId: number) {
    const [row] = await db
      .select({ sellerId: products.sellerId })
      .from(products)
      .where(and(eq(products.companyId, companyId), eq(products.id, productId)))
    return row
  },

  /** The seller of an order item's product, only if the item is in one of this customer's orders. */
  async sellerOfOrderItem(db: Db, companyId: number, customerId: number, orderItemId: number) {
    const [row] = await db
      .select({ sellerId: products.sellerId })
      .from(orderItems)
      .innerJoin(orders, eq(orders.id, orderItems.orderId))
      .innerJoin(products, eq(products.id, orderItems.productId))
      .where(
        and(
          eq(orderItems.id, orderItemId),
          eq(orders.companyId, companyId),
          eq(orders.customerId, customerId),
        ),
      )
    return row
  },
}
