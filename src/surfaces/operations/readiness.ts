import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { pendingMigrations } from '../../db/migration-state.ts'

/** What /readyz reports: each check is `ok` or why it is not. */
export type Readiness = {
  status: 'ok' | 'unavailable'
  database: string
  migrations: string
}

/** Long enough for a database that is only busy; a probe that waits longer learns nothing more. */
const DATABASE_TIMEOUT_MS = 2_000

const reasonOf = (error: unknown) => {
  const cause = (error as { cause?: unknown }).cause
  const message =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error)
  return message || 'failed'
}

async function withinTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Whether this instance can serve: its database answers and has every migration this build knows. */
export function createReadiness(database: Database) {
  async function databaseState(): Promise<{ database: string; migrations: string }> {
    try {
      const pending = await withinTimeout(
        database.db.execute(sql`select 1`).then(() => pendingMigrations(database.db)),
        DATABASE_TIMEOUT_MS,
      )
      return { database: 'ok', migrations: pending === 0 ? 'ok' : `${pending} not applied` }
    } catch (error) {
      return { database: reasonOf(error), migrations: 'unknown' }
    }
  }

  return async function check(): Promise<Readiness> {
    const { database: answer, migrations } = await databaseState()
    const ready = answer === 'ok' && migrations === 'ok'
    return { status: ready ? 'ok' : 'unavailable', database: answer, migrations }
  }
}

export type ReadinessCheck = ReturnType<typeof createReadiness>
