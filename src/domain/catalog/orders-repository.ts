import { and, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { orders } from '../../db/schema/index.ts'

export type Order = typeof orders.$inferSelect

export const ordersRepository = {
  /** The order only if it is this customer's: another's order is as absent as a missing one. */
  async findOfCustomer(
    db: Db,
    companyId: number,
    customerId: number,
    orderId: number,
  ): Promise<Order | undefined> {
    const [row] = await db
      .select()
      .from(orders)
      .where(and(eq(orders.companyId, companyId), eq(orders.customerId, customerId), eq(orders.id, orderId)))
    return row
  },
}
