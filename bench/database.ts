import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase } from '../src/db/client.ts'
import { loadDataset } from './dataset.ts'
import type { Fixture, Shape } from './shape.ts'

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/** A loaded database and how each server process reaches it. */
export type BenchDatabase = {
  fixture: Fixture
  loadSeconds: number
  parleyEnv: Record<string, string>
  floorEnv: Record<string, string>
  /**
   * Waits, bounded, until no query of a finished run is still executing, then cancels any left, so a slow
   * run cannot eat into the next one's measurement. Returns how many it cancelled.
   */
  quiesce(): Promise<number>
  drop(): Promise<void>
}

/**
 * Creates a fresh database for one dataset size — on the PostgreSQL server named by `adminUrl`, or, embedded,
 * a PGlite data dir in a temp folder — migrates it with Parley's own migrations and loads the dataset.
 */
export async function createBenchDatabase(
  shape: Shape,
  target: { embedded: true } | { embedded: false; adminUrl: string },
): Promise<BenchDatabase> {
  return target.embedded ? createEmbedded(shape) : createOnServer(shape, target.adminUrl)
}

async function load(databaseUrl: string | undefined, dataDir: string, shape: Shape) {
  const started = performance.now()
  const database = await openDatabase({ databaseUrl, dataDir, poolSize: 2 })
  try {
    await database.migrate()
    const fixture = await loadDataset(database.db, shape)
    // A long-lived database has statistics and a visibility map; a freshly loaded one has neither. Nor has it
    // the load's pages still to write: a checkpoint the load started, spread over minutes, would run on into
    // the first rows measured and share the disk with Parley's and the floor's runs unevenly.
    await database.db.execute(sql`vacuum analyze`)
    await database.db.execute(sql`checkpoint`)
    return { fixture, loadSeconds: (performance.now() - started) / 1000 }
  } finally {
    await database.close()
  }
}

async function createOnServer(shape: Shape, adminUrl: string): Promise<BenchDatabase> {
  const name = `parley_bench_${shape.size}_${process.pid}`
  const admin = async (statement: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try {
      return (await client.query(statement, params)).rows
    } finally {
      await client.end()
    }
  }
  await admin(`drop database if exists ${name} with (force)`)
  await admin(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const drop = async () => {
    await admin(`drop database if exists ${name} with (force)`)
  }
  const busy = `from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()`
  // Cancelling the running queries is not enough: a server keeps serving the requests it had queued after
  // the clients left, so cancel until the database stays idle.
  const quiesce = async () => {
    const waitUntil = Date.now() + 15_000
    const giveUpAt = waitUntil + 30_000
    let cancelled = 0
    while (Date.now() < giveUpAt) {
      const [row] = await admin(`select count(*)::int as active ${busy}`, [name])
      if (row?.active === 0) return cancelled
      if (Date.now() > waitUntil)
        cancelled += (await admin(`select pg_cancel_backend(pid) ${busy}`, [name])).length
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return cancelled
  }
  try {
    const { fixture, loadSeconds } = await load(url.toString(), '', shape)
    return {
      fixture,
      loadSeconds,
      parleyEnv: { DATABASE_URL: url.toString() },
      floorEnv: { FLOOR_DATABASE_URL: url.toString() },
      quiesce,
      drop,
    }
  } catch (error) {
    await drop()
    throw error
  }
}

async function createEmbedded(shape: Shape): Promise<BenchDatabase> {
  const folder = await mkdtemp(join(tmpdir(), `parley-bench-${shape.size}-`))
  const drop = () => rm(folder, { recursive: true, force: true })
  try {
    const parleyDir = join(folder, 'parley')
    const { fixture, loadSeconds } = await load(undefined, parleyDir, shape)
    // PGlite serves one process: the floor gets its own copy of the same data.
    const floorDir = join(folder, 'floor')
    await cp(join(parleyDir, 'db'), floorDir, { recursive: true })
    return {
      fixture,
      loadSeconds,
      parleyEnv: { PARLEY_DATA_DIR: parleyDir },
      floorEnv: { FLOOR_PGLITE_DIR: floorDir },
      // Each PGlite lives in its server's process: nothing of a run outlives it elsewhere.
      quiesce: async () => 0,
      drop,
    }
  } catch (error) {
    await drop()
    throw error
  }
}
