import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { settings } from '../../db/schema/index.ts'

export const settingsRepository = {
  async overrides(db: Db, companyId: number) {
    return db
      .select({ key: settings.key, value: settings.value, updatedAt: settings.updatedAt })
      .from(settings)
      .where(eq(settings.companyId, companyId))
  },

  async upsert(db: Db, companyId: number, key: string, value: unknown, updatedBy: number) {
    await db
      .insert(settings)
      .values({ companyId, key, value, updatedBy })
      .onConflictDoUpdate({
        target: [settings.companyId, settings.key],
        set: { value, updatedBy, updatedAt: sql`now()` },
      })
  },

  async remove(db: Db, companyId: number, key: string) {
    await db.delete(settings).where(and(eq(settings.companyId, companyId), eq(settings.key, key)))
  },
}
