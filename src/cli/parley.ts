import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.ts'
import { openDatabase } from '../db/client.ts'
import { FolderLockedError } from '../db/folder-lock.ts'
import { createNotifier } from '../db/notifier.ts'
import { companiesRepository } from '../domain/accounts/companies-repository.ts'
import { usersRepository } from '../domain/accounts/users-repository.ts'
import { createDomain } from '../domain/create-domain.ts'
import { OUTBOX_CHANNEL } from '../domain/outbox/outbox-repository.ts'
import { createBlobStore } from '../infra/blobs/blob-store.ts'
import { seedDemo } from './seed-demo.ts'

const usage = `Usage: npm run parley -- <command> [options]

Commands:
  migrate                          apply the database migrations
  create-user --email E --password P [--first-name F] [--last-name L] [--staff] [--superuser]
                                   create a user of the default company
  create-token --email E [--name N]
                                   make an API key for a user; it is printed once and stored hashed
  seed-demo                        create (or refresh) a demo shop and print it as JSON
`

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    password: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
    name: { type: 'string' },
    staff: { type: 'boolean' },
    superuser: { type: 'boolean' },
    help: { type: 'boolean' },
  },
})

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

const command = positionals[0]
if (values.help || !command) {
  console.log(usage)
  process.exit(command ? 0 : 1)
}

const config = (() => {
  try {
    return loadConfig()
  } catch (error) {
    return fail((error as Error).message)
  }
})()
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: 2,
}).catch((error: unknown) => {
  if (error instanceof FolderLockedError) fail(error.message)
  throw error
})
await database.migrate()
await companiesRepository.ensureDefault(database.db)
const notifier = createNotifier(database.db, (error) =>
  console.error(`a notification could not be sent: ${(error as Error).message}`),
)
const domain = createDomain({
  db: database.db,
  notifier,
  // A command runs no outbox worker: a running server's delivers what it queues.
  wakeOutbox: () => notifier.notify(OUTBOX_CHANNEL, ''),
  config,
  blobs: createBlobStore(join(config.dataDir, 'blobs')),
})
const companyId = await domain.accounts.companyForHost(undefined)

try {
  switch (command) {
    case 'migrate':
      console.error('migrations applied')
      break
    case 'create-user': {
      if (!values.email || !values.password) fail('create-user needs --email and --password')
      const user = await domain.accounts.createUser({
        companyId,
        email: values.email,
        password: values.password,
        firstName: values['first-name'] ?? '',
        lastName: values['last-name'] ?? '',
        isStaff: values.staff ?? values.superuser ?? false,
        isSuperuser: values.superuser ?? false,
      })
      console.log(JSON.stringify({ id: user.id, email: user.email }))
      break
    }
    case 'create-token': {
      if (!values.email) fail('create-token needs --email')
      const user = await usersRepository.findByEmail(database.db, companyId, values.email)
      if (!user) fail(`no user with email ${values.email}`)
      console.log(
        JSON.stringify({ user_id: user.id, token: await domain.accounts.createApiKey(user.id, values.name) }),
      )
      break
    }
    case 'seed-demo':
      console.log(JSON.stringify(await seedDemo(database.db, domain), null, 2))
      break
    default:
      fail(`unknown command "${command}"\n\n${usage}`)
  }
} finally {
  await notifier.settle()
  await database.close()
}
