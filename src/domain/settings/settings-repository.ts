import { and, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { settings } from '../../db/schema/index.ts'

export type SettingOverride = { key: string; value: unknown; updatedAt?: Date | null }

export const settingsRepository = {
  async overrides(db: Db, companyId: number): Promise<SettingOverride[]> {
    return db
      .select({ key: settings.key, value: settings.value, updatedAt: settings.updatedAt })
      .from(settings)
      .where(eq(settings.companyId, companyId))
  },

  /** The company's overrides as one JSON array, for a statement that reads them along with other rows. */
  overridesJson: (companyId: SQL) =>
    sql<SettingOverride[]>`(select coalesce(json_agg(json_build_object('key', s.key, 'value', s.value)), '[]')
      from ${settings} s where s.company_id = ${companyId})`,

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
