import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../config.ts'
import { openDatabase } from '../db/client.ts'
import { FolderLockedError } from '../db/folder-lock.ts'
import { createNotifier } from '../db/notifier.ts'
import { companiesRepository } from '../domain/accounts/companies-repository.ts'
import { createDomain } from '../domain/create-domain.ts'
import { DomainError } from '../domain/errors.ts'
import { OUTBOX_CHANNEL } from '../domain/outbox/outbox-repository.ts'
import { WEBHOOKS_CHANNEL } from '../domain/webhooks/webhook-queue.ts'
import { createBlobStore } from '../infra/blobs/blob-store.ts'
import { startFailure } from '../startup.ts'
import { drfWording } from '../surfaces/drf/wording.ts'
import { word } from '../surfaces/http/wording.ts'
import { type Command, CommandFailure, commands } from './commands.ts'

const invocation = 'npm run parley --'

const usage = () => {
  const names = Object.keys(commands)
  const width = Math.max(...names.map((name) => name.length)) + 2
  return [
    `Usage: ${invocation} <command> [options]`,
    '',
    'Commands:',
    ...names.map((name) => `  ${name.padEnd(width)}${commands[name]?.summary}`),
    `  ${'help'.padEnd(width)}this list; \`help <command>\` or \`<command> --help\` for one command`,
    '',
    'Configuration comes from the environment (see the README), as for npm start.',
  ].join('\n')
}

const commandUsage = (name: string, command: Command) => {
  const line = `Usage: ${invocation} ${name} ${command.synopsis}`.trimEnd()
  const summary = `${command.summary.charAt(0).toUpperCase()}${command.summary.slice(1)}.`
  return [line, '', summary, ...(command.notes ? [command.notes] : [])].join('\n')
}

/** A usage error: one line, exit 2, before any database is opened. */
function usageError(message: string, helpFor?: string): never {
  console.error(`parley: ${message} (see \`${invocation} ${helpFor ? `${helpFor} ` : ''}--help\`)`)
  process.exit(2)
}

function fail(message: string): never {
  console.error(`parley: ${message}`)
  process.exit(1)
}

const [name, ...rest] = process.argv.slice(2)
if (name === undefined) {
  console.error(usage())
  process.exit(2)
}
if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
  console.log(usage())
  process.exit(0)
}
if (name === 'help') {
  const command = commands[rest[0] ?? '']
  if (!command || rest.length > 1) usageError(`unknown command "${rest.join(' ')}"`)
  console.log(commandUsage(rest[0] as string, command))
  process.exit(0)
}
const command = Object.hasOwn(commands, name) ? commands[name] : undefined
if (!command) usageError(name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`)

let values: Record<string, string | boolean | undefined>
try {
  const parsed = parseArgs({
    args: rest,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  })
  values = parsed.values
} catch (error) {
  const { code, message } = error as { code?: string; message: string }
  // parseArgs names the culprit in quotes ('--emial', '--email <value>', 'extra').
  const option = /'([^' ]*)/.exec(message)?.[1]
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usageError(`${name} has no option ${option}`, name)
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') usageError(`${name} takes no argument ${option}`, name)
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') usageError(`${name}: ${option} needs a value`, name)
  throw error
}
if (values.help) {
  console.log(commandUsage(name, command))
  process.exit(0)
}
const missing = (command.required ?? []).filter((option) => values[option] === undefined)
if (missing.length > 0)
  usageError(`${name} needs ${missing.map((option) => `--${option}`).join(' and ')}`, name)

const config = (() => {
  try {
    return loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    return process.exit(1)
  }
})()
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: 2,
}).catch((error: unknown) =>
  fail(
    error instanceof FolderLockedError
      ? error.message
      : (startFailure(error, config) ?? (error as Error).message),
  ),
)
try {
  await database.migrate()
  await companiesRepository.ensureDefault(database.db)
} catch (error) {
  await database.close()
  const reason = startFailure(error, config)
  if (reason === undefined) throw error
  fail(reason)
}
const notifier = createNotifier(database.db, (error) =>
  console.error(`parley: a notification could not be sent: ${(error as Error).message}`),
)
const domain = createDomain({
  db: database.db,
  notifier,
  // A command runs no outbox worker: a running server's delivers what it queues.
  wakeOutbox: () => notifier.notify(OUTBOX_CHANNEL, ''),
  wakeWebhooks: () => notifier.notify(WEBHOOKS_CHANNEL, ''),
  config,
  blobs: createBlobStore(join(config.dataDir, 'blobs')),
})
/** A domain refusal for the operator, in the staff API's English: every field's problems, else the reason. */
function domainErrorText(error: DomainError): string {
  const problems = Object.values(error.fields).flat()
  return (problems.length > 0 ? problems : [error.reason])
    .map((problem) => word(drfWording, problem))
    .join(' ')
}
let failure: string | undefined
try {
  await command.run({ database, domain, companyId: await domain.accounts.companyForHost(undefined) }, values)
} catch (error) {
  if (!(error instanceof DomainError || error instanceof CommandFailure)) throw error
  failure = `${name}: ${error instanceof DomainError ? domainErrorText(error) : error.message}`
} finally {
  await notifier.settle()
  await database.close()
}
if (failure) fail(failure)
