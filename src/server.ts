import { buildApp } from './app.ts'
import { loadConfig } from './config.ts'
import { openDatabase } from './db/client.ts'
import { FolderLockedError } from './db/folder-lock.ts'
import { companiesRepository } from './domain/accounts/companies-repository.ts'

let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}

const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: config.databasePoolSize,
}).catch((error: unknown) => {
  if (!(error instanceof FolderLockedError)) throw error
  console.error(error.message)
  process.exit(1)
})
await database.migrate()
await companiesRepository.ensureDefault(database.db)

const app = await buildApp({ config, database })
await app.listen({ port: config.port, host: config.host })

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  app.log.info(
    { signal },
    'shutting down: the outbox stops claiming, then the server stops taking connections and finishes the requests in flight',
  )
  // The outbox stops first (app.ts, preClose); Fastify then stops accepting connections and waits for the
  // requests in flight.
  await app.close()
  app.log.info('stopped')
  await database.close()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
