import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { pendingMigrations } from '../../db/migration-state.ts'

/** What /readyz reports: each check is `ok` or why it is not. */
export type Readiness = {
  status: 'ok' | 'unavailable'
  database: string
  migrations: string
  /** Whether this instance hears the database's notifications, on which realtime, caches and the outbox rely. */
  listening: string
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

/** Who tells readiness whether the instance's LISTEN connection is live (the listener, in `db/listener.ts`). */
type ListeningState = { status(): { listening: boolean; channels: Record<string, boolean> } }

function listeningState(listener: ListeningState) {
  const { listening, channels } = listener.status()
  const deaf = Object.entries(channels)
    .filter(([, heard]) => !heard)
    .map(([channel]) => channel)
  if (listening && deaf.length === 0) return 'ok'
  return `not listening${deaf.length > 0 ? `: ${deaf.join(', ')}` : ''}`
}

/**
 * Whether this instance can serve: its database answers and has every migration this build knows, and it
 * hears every channel it listens on.
 */
export function createReadiness(database: Database, listener: ListeningState) {
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
    const listening = listeningState(listener)
    const ready = answer === 'ok' && migrations === 'ok' && listening === 'ok'
    return { status: ready ? 'ok' : 'unavailable', database: answer, migrations, listening }
  }
}

export type ReadinessCheck = ReturnType<typeof createReadiness>
