import type { ParseArgsOptionsConfig } from 'node:util'
import type { Database } from '../db/client.ts'
import { usersRepository } from '../domain/accounts/users-repository.ts'
import type { Domain } from '../domain/create-domain.ts'
import { seedDemo } from './seed-demo.ts'

/** What a command runs with once its arguments are good: the database is opened only then. */
export type CommandContext = { database: Database; domain: Domain; companyId: number }

type Values = Record<string, string | boolean | undefined>

export type Command = {
  summary: string
  /** The options after the command's name, as `--help` shows them. */
  synopsis: string
  /** More that `--help` says. */
  notes?: string
  options: ParseArgsOptionsConfig
  /** Options that must be given: their absence is a usage error, found before any database is opened. */
  required?: string[]
  run(context: CommandContext, values: Values): Promise<void>
}

const text = (values: Values, name: string) => values[name] as string

/** Every `parley` command. Output meant for programs goes to stdout as JSON; everything else to stderr. */
export const commands: Record<string, Command> = {
  migrate: {
    summary: 'apply the database migrations (npm start also does, at start-up)',
    synopsis: '',
    options: {},
    async run() {
      console.error('migrations applied')
    },
  },
  'create-user': {
    summary: 'create a user of the default company and print it as JSON',
    synopsis: '--email E --password P [--first-name F] [--last-name L] [--staff] [--superuser]',
    notes:
      'The password needs 8 characters or more, not all digits, and must not be the email.\n' +
      '--staff makes a staff user (staff API, inbox); --superuser an admin (implies --staff).',
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      staff: { type: 'boolean' },
      superuser: { type: 'boolean' },
    },
    required: ['email', 'password'],
    async run({ domain, companyId }, values) {
      const user = await domain.accounts.createUser({
        companyId,
        email: text(values, 'email'),
        password: text(values, 'password'),
        firstName: (values['first-name'] as string | undefined) ?? '',
        lastName: (values['last-name'] as string | undefined) ?? '',
        isStaff: Boolean(values.staff || values.superuser),
        isSuperuser: Boolean(values.superuser),
      })
      console.log(JSON.stringify({ id: user.id, email: user.email }))
    },
  },
  'create-token': {
    summary: 'make an API key for a user; it is printed once and stored hashed',
    synopsis: '--email E [--name N]',
    options: { email: { type: 'string' }, name: { type: 'string' } },
    required: ['email'],
    async run({ database, domain, companyId }, values) {
      const email = text(values, 'email')
      const user = await usersRepository.findByEmail(database.db, companyId, email)
      if (!user) throw new CommandFailure(`no user with email ${email}`)
      const token = await domain.accounts.createApiKey(user.id, values.name as string | undefined)
      console.log(JSON.stringify({ user_id: user.id, token }))
    },
  },
  'seed-demo': {
    summary: 'create or refresh a demo shop and print it as JSON (fresh API keys each run)',
    synopsis: '',
    notes: 'Progress goes to stderr; stdout holds only the JSON.',
    options: {},
    async run({ database, domain }) {
      const demo = await seedDemo(database.db, domain, (step) => console.error(`seed-demo: ${step}`))
      console.log(JSON.stringify(demo, null, 2))
    },
  },
}

/** A failure the command explains itself, in one line. */
export class CommandFailure extends Error {}
