import { sql } from 'drizzle-orm'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import type { Db } from './client.ts'
import { migrationsFolder } from './client.ts'
import { rowsOf } from './rows.ts'

/**
 * How many of this build's migrations the database has not had, by the rule drizzle's migrator applies them:
 * those newer than the last one recorded. A database never migrated has them all to come.
 */
let migrations: ReturnType<typeof readMigrationFiles> | undefined

export async function pendingMigrations(db: Db): Promise<number> {
  // This build's migrations do not change while it runs.
  migrations ??= readMigrationFiles({ migrationsFolder })
  const applied = await db
    .execute(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`)
    .then((result) => Number(rowsOf<{ last: string | null }>(result)[0]?.last ?? 0))
    .catch((error: { code?: string; cause?: { code?: string } }) => {
      // 42P01 (no such table) and 3F000 (no such schema): nothing was ever applied.
      const code = error.cause?.code ?? error.code
      if (code === '42P01' || code === '3F000') return 0
      throw error
    })
  return migrations.filter((migration) => migration.folderMillis > applied).length
}
