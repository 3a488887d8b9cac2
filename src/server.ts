import { buildApp } from './app.ts'
import { type Config, ConfigError, loadConfig } from './config.ts'
import { openDatabase } from './db/client.ts'
import { FolderLockedError } from './db/folder-lock.ts'
import { companiesRepository } from './domain/accounts/companies-repository.ts'
import { startFailure, startupLine } from './startup.ts'
import { isInboxBuilt } from './surfaces/inbox/built-files.ts'

let config: Config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(error.message)
  process.exit(1)
}

// A failure a person can fix is said in one line on stderr (stdout is the JSON log); others keep their stack.
const fail = (error: unknown): never => {
  const reason = startFailure(error, config)
  if (reason === undefined) throw error
  console.error(`Parley could not start: ${reason}`)
  process.exit(1)
}

const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: config.databasePoolSize,
}).catch((error: unknown) => {
  if (!(error instanceof FolderLockedError)) return fail(error)
  console.error(error.message)
  return process.exit(1)
})
await database.migrate().catch(fail)
await companiesRepository.ensureDefault(database.db)

const app = await buildApp({ config, database })
const url = await app.listen({ port: config.port, host: config.host }).catch(async (error) => {
  await app.close()
  await database.close()
  return fail(error)
})
console.error(startupLine(config, url, isInboxBuilt()))

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  app.log.info(
    { signal },
    'shutting down: the outbox stops claiming, event streams end, then the server stops taking connections, finishes the requests in flight and closes the database',
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
