import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { lockFolder } from './folder-lock.ts'
import type { PgliteWorker } from './pglite-worker.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
/** The database or a transaction on it: every repository function takes the one it runs in. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>

/** A PostgreSQL pool's connections: open, of those idle, and queries waiting for one. */
export type PoolStats = { total: number; idle: number; waiting: number }

export type Database = {
  db: Db
  engine: 'postgres' | 'pglite'
  /** The pool's state; undefined for PGlite, which has one connection inside the process. */
  poolStats(): PoolStats | undefined
  migrate(): Promise<void>
  /**
   * Runs `handler` for every notification on `channel` until the returned function is called. `onLost` is
   * told when the listening connection drops: notifications may have been missed, and none come any more.
   * The app listens through its one listener instead (see listener.ts).
   */
  listen(
    channel: string,
    handler: (payload: string) => void,
    onLost?: () => void,
  ): Promise<() => Promise<void>>
  /** Opens a connection of its own that LISTENs, as many channels as it is asked (see listener.ts). */
  connectListener(handlers: ListenHandlers): Promise<ListenConnection>
  close(): Promise<void>
}

/** What a listening connection tells: each notification, and (once) that it dropped without being closed. */
export type ListenHandlers = { notification(channel: string, payload: string): void; lost(): void }

export type ListenConnection = { listen(channel: string): Promise<void>; close(): Promise<void> }

/** One channel on a listening connection of its own. */
async function listenOne(
  connect: (handlers: ListenHandlers) => Promise<ListenConnection>,
  channel: string,
  handler: (payload: string) => void,
  onLost?: () => void,
) {
  const connection = await connect({
    notification: (heard, payload) => {
      if (heard === channel) handler(payload)
    },
    lost: () => onLost?.(),
  })
  await connection.listen(channel)
  return () => connection.close()
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url))

/** The advisory lock migrations run under on a PostgreSQL server (any constant unique to Parley). */
const MIGRATION_LOCK = 0x7061726c // "parl"

// Raw pg would hand bigint and numeric back as strings; ids are mapped by drizzle, counts come back as int8.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

/**
 * PostgreSQL settings for the embedded database. PGlite keeps its shared memory inside the process, touched
 * whole at start: PostgreSQL's default of 128 MB of shared buffers is resident from the first statement. Pages
 * beyond these are read again from the operating system's file cache (see docs/operations.md, "Memory"), so
 * a page read at random costs about what one read in order does: PostgreSQL's advice for data held in memory
 * is a random_page_cost near its seq_page_cost of 1, where its default of 4 prices a disk's seek.
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB', 'random_page_cost=1.1']

export async function openDatabase(options: {
  databaseUrl: string | undefined
  dataDir: string
  poolSize: number
}): Promise<Database> {
  const { databaseUrl } = options
  if (databaseUrl?.startsWith('postgres://') || databaseUrl?.startsWith('postgresql://')) {
    return openPostgres(databaseUrl, options.poolSize)
  }
  if (databaseUrl !== undefined && databaseUrl !== 'memory://') {
    throw new Error(`DATABASE_URL must be postgres://…, postgresql://… or memory://, got "${databaseUrl}"`)
  }
  return openPglite(databaseUrl === 'memory://' ? undefined : join(options.dataDir, 'db'))
}

function openPostgres(connectionString: string, max: number): Database {
  const pool = new pg.Pool({ connectionString, max })
  // A connection dropped by the server is reported here; the pool replaces it on the next query.
  pool.on('error', () => {})
  // A connection dropped while checked out (inside a transaction, between its statements) reports the loss
  // on the client, where the pool listens only while the client is idle: unheard, the error ended the process.
  // The statement under way fails, its request answers 503, and the pool drops the client when released.
  pool.on('connect', (client) => client.on('error', () => {}))
  const db = drizzlePg(pool, { schema }) as unknown as Db
  async function connectListener(handlers: ListenHandlers): Promise<ListenConnection> {
    const client = new pg.Client({ connectionString, application_name: 'parley-listener' })
    let open = false
    let closing = false
    client.on('error', () => {})
    client.once('end', () => {
      if (open && !closing) handlers.lost()
    })
    client.on('notification', (message) => handlers.notification(message.channel, message.payload ?? ''))
    await client.connect()
    open = true
    return {
      async listen(channel) {
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      },
      async close() {
        closing = true
        await client.end()
      },
    }
  }
  return {
    db,
    engine: 'postgres',
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async migrate() {
      // Instances started together would each find the same migrations missing and race to apply them (and
      // to create drizzle's own table): one at a time, under a lock held by the connection that migrates.
      const client = new pg.Client({ connectionString })
      client.on('error', () => {})
      await client.connect()
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK])
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder })
      } finally {
        await client.end()
      }
    },
    listen: (channel, handler, onLost) => listenOne(connectListener, channel, handler, onLost),
    connectListener,
    async close() {
      await pool.end()
    },
  }
}

async function openPglite(folder: string | undefined): Promise<Database> {
  // Loaded only when embedded: a server on PostgreSQL has no use for PGlite's modules, nor for their memory.
  const [{ startPgliteWorker }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('./pglite-worker.ts'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ])
  if (folder !== undefined) mkdirSync(folder, { recursive: true })
  const unlock = folder === undefined ? () => {} : lockFolder(folder)
  let client: PgliteWorker
  try {
    client = await startPgliteWorker({ folder, postgresqlconf: PGLITE_SETTINGS })
  } catch (error) {
    unlock()
    throw error
  }
  // drizzle-orm/pglite calls only `query` and `transaction` on its client, which the worker's answers.
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db
  const lostHandlers = new Set<() => void>()
  client.onLost(() => {
    for (const lost of lostHandlers) lost()
  })
  async function connectListener(handlers: ListenHandlers): Promise<ListenConnection> {
    const unlistens: (() => Promise<void>)[] = []
    // Notifications cross from PGlite's thread in order; they are lost only if that thread itself ends.
    lostHandlers.add(handlers.lost)
    return {
      async listen(channel) {
        unlistens.push(await client.listen(channel, (payload) => handlers.notification(channel, payload)))
      },
      async close() {
        lostHandlers.delete(handlers.lost)
        await Promise.all(unlistens.map((unlisten) => unlisten()))
      },
    }
  }
  return {
    db,
    engine: 'pglite',
    poolStats: () => undefined,
    async migrate() {
      await migratePglite(db as never, { migrationsFolder })
    },
    listen: (channel, handler, onLost) => listenOne(connectListener, channel, handler, onLost),
    connectListener,
    async close() {
      await client.close()
      unlock()
    },
  }
}
