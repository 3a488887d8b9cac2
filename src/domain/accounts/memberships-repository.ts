import { eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { sellerMembers } from '../../db/schema/index.ts'

export const membershipsRepository = {
  /** The sellers a user acts for. */
  async sellerIdsOf(db: Db, userId: number): Promise<number[]> {
    const rows = await db
      .select({ sellerId: sellerMembers.sellerId })
      .from(sellerMembers)
      .where(eq(sellerMembers.userId, userId))
    return rows.map((row) => row.sellerId)
  },
}
