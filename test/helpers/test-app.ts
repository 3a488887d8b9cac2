import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import pg from 'pg'
import { type AppOptions, buildApp } from '../../src/app.ts'
import { seedDemo } from '../../src/cli/seed-demo.ts'
import { loadConfig } from '../../src/config.ts'
import { type Database, openDatabase } from '../../src/db/client.ts'
import { companiesRepository } from '../../src/domain/accounts/companies-repository.ts'

/**
 * A database for one test file: a fresh database on the PostgreSQL server named by `DATABASE_URL` (dropped
 * afterwards), or an in-memory PGlite when it is unset.
 */
export async function openTestDatabase(): Promise<{
  database: Database
  url: string
  drop(): Promise<void>
}> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl?.startsWith('postgres')) {
    const database = await openDatabase({ databaseUrl: 'memory://', dataDir: '', poolSize: 1 })
    await database.migrate()
    await companiesRepository.ensureDefault(database.db)
    return { database, url: 'memory://', drop: async () => {} }
  }
  const name = `parley_test_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 10 })
  await database.migrate()
  await companiesRepository.ensureDefault(database.db)
  return {
    database,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

/** A test database opened before the file's tests and dropped after them: the returned function gives it. */
export function useTestDatabase(): () => Database {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined
  before(async () => {
    opened = await openTestDatabase()
  })
  after(async () => {
    await opened?.database.close()
    await opened?.drop()
  })
  return () => {
    if (!opened) throw new Error('the test database is opened before the tests run')
    return opened.database
  }
}

export type TestAppOptions = {
  env?: Record<string, string>
  mailTransport?: AppOptions['mailTransport']
  runWorkers?: boolean
  /** Logs nothing unless given (a test that reads the log passes a stream). */
  logger?: AppOptions['logger']
  /** Awaited before each reconnection of the app's listener (see createListener). */
  listenerRetry?: AppOptions['listenerRetry']
  /** Told of every route the app registers (see AppOptions.onRoute). */
  onRoute?: AppOptions['onRoute']
  /** Reuse a database (another instance of a multi-instance test); the caller closes it. */
  shared?: { database: Database; dataDir: string }
}

/** The real app on a real database, listening on a loopback port, with the demo shop seeded. */
export async function startTestApp(options: TestAppOptions = {}) {
  const dataDir = options.shared?.dataDir ?? (await mkdtemp(join(tmpdir(), 'parley-test-')))
  const owned = options.shared ? undefined : await openTestDatabase()
  const database = options.shared?.database ?? (owned as { database: Database }).database
  const config = loadConfig({ PARLEY_DATA_DIR: dataDir, OUTBOX_POLL_MS: '50', ...options.env })
  const app = await buildApp({
    config,
    database,
    logger: options.logger ?? false,
    mailTransport: options.mailTransport,
    runWorkers: options.runWorkers,
    outboxRetryBaseMs: 50,
    listenerRetry: options.listenerRetry,
    onRoute: options.onRoute,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const demo = await seedDemo(database.db, app.domain)
  return {
    app,
    database,
    db: database.db,
    demo,
    config,
    dataDir,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close()
      if (owned) {
        await owned.database.close()
        await owned.drop()
        await rm(dataDir, { recursive: true, force: true })
      }
    },
  }
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>
