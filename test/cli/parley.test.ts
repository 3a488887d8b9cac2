import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import type { DemoData } from '../../src/cli/seed-demo.ts'

const run = promisify(execFile)
const cli = new URL('../../src/cli/parley.ts', import.meta.url).pathname

// The CLI runs as a person would run it: its own process, on its own database (a fresh PostgreSQL database
// when DATABASE_URL names a server, else PGlite in a temporary data dir).
let env: Record<string, string>
let cleanup: () => Promise<void>

before(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-cli-'))
  const server = process.env.DATABASE_URL
  env = { ...(process.env as Record<string, string>), PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
  delete env.DATABASE_URL
  let drop = async () => {}
  if (server?.startsWith('postgres')) {
    const name = `parley_cli_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: server })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const url = new URL(server)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    drop = async () => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    }
  }
  cleanup = async () => {
    await drop()
    await rm(dataDir, { recursive: true, force: true })
  }
})
after(() => cleanup())

const parley = async (...args: string[]) => (await run(process.execPath, [cli, ...args], { env })).stdout

test('seed-demo prints the demo shop as one JSON object, and a second run keeps every id with fresh keys', async () => {
  const first: DemoData = JSON.parse(await parley('seed-demo'))
  for (const name of ['admin', 'staff', 'alice', 'bob', 'seller'] as const) {
    const user = first.users[name]
    assert.equal(typeof user.id, 'number', name)
    assert.equal(user.email, `${name}@parley.test`)
    assert.equal(typeof user.password, 'string')
    assert.match(user.token, /^prl_/)
  }
  assert.equal(typeof first.company.id, 'number')
  assert.equal(typeof first.location.id, 'number')
  assert.equal(typeof first.sellers.bmw.id, 'number')
  assert.equal(typeof first.products.brakes.id, 'number')
  assert.equal(typeof first.products.mirror.id, 'number')
  assert.equal(first.orders.alice.items[0]?.product_id, first.products.brakes.id)
  assert.equal(typeof first.orders.bob.items[0]?.id, 'number')
  assert.equal(typeof first.subjects.general.id, 'number')
  assert.equal(typeof first.subjects.order.id, 'number')

  const second: DemoData = JSON.parse(await parley('seed-demo'))
  const withoutTokens = (demo: DemoData) => ({
    ...demo,
    users: Object.fromEntries(
      Object.entries(demo.users).map(([name, user]) => [name, { ...user, token: '' }]),
    ),
  })
  assert.deepEqual(withoutTokens(second), withoutTokens(first))
  assert.notEqual(second.users.alice.token, first.users.alice.token)
})

test('create-user and create-token make a user and an API key shown once', async () => {
  const user = JSON.parse(
    await parley('create-user', '--email', 'ops@parley.test', '--password', 'pw-123456', '--staff'),
  )
  assert.equal(user.email, 'ops@parley.test')
  const token = JSON.parse(await parley('create-token', '--email', 'ops@parley.test', '--name', 'ops'))
  assert.equal(token.user_id, user.id)
  assert.match(token.token, /^prl_/)
})

const failure = (error: unknown) => error as { code: number; stdout: string; stderr: string }

test('--help and help list the commands and exit 0; each command has its own --help', async () => {
  for (const args of [['--help'], ['help']]) {
    const listed = await parley(...args)
    for (const command of ['migrate', 'create-user', 'create-token', 'seed-demo'])
      assert.match(listed, new RegExp(command))
  }
  for (const args of [
    ['create-user', '--help'],
    ['help', 'create-user'],
  ]) {
    const help = await parley(...args)
    assert.match(help, /--email E --password P/)
    assert.match(help, /8 characters/)
  }
  assert.match(await parley('seed-demo', '--help'), /stderr/)
})

test('an unknown command or option, or a missing one, is one line and exit 2, before any database is opened', async () => {
  const emptyDir = await mkdtemp(join(tmpdir(), 'parley-cli-usage-'))
  // A database the command could not open: a usage error must be found before it tries.
  const usageEnv = { ...env, PARLEY_DATA_DIR: emptyDir, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }
  try {
    for (const [args, says] of [
      [['no-such-command'], /unknown command "no-such-command"/],
      [['--verbose'], /unknown option --verbose/],
      [['create-user', '--emial', 'x@y.z'], /create-user has no option --emial/],
      [['migrate', 'extra'], /migrate takes no argument extra/],
      [['create-token'], /create-token needs --email/],
      [['create-user', '--email', 'x@y.z'], /create-user needs --password/],
    ] as const) {
      await assert.rejects(run(process.execPath, [cli, ...args], { env: usageEnv }), (error) => {
        const { code, stderr } = failure(error)
        assert.equal(code, 2, args.join(' '))
        assert.match(stderr, says)
        assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`)
        return true
      })
    }
    assert.deepEqual(await readdir(emptyDir), [], 'nothing was created in the data dir')
  } finally {
    await rm(emptyDir, { recursive: true, force: true })
  }
})

test('create-user refuses a taken email or a weak password in one line, not a stack', async () => {
  await parley('create-user', '--email', 'taken@parley.test', '--password', 'a-fine-password')
  for (const [email, password, says] of [
    ['taken@parley.test', 'another-password', /already exists/],
    ['short@parley.test', 'short', /at least 8 characters/],
    ['digits@parley.test', '1234567890', /entirely numeric/],
    ['same@parley.test', 'same@parley.test', /must not be the email/],
  ] as const) {
    await assert.rejects(parley('create-user', '--email', email, '--password', password), (error) => {
      const { code, stderr } = failure(error)
      assert.equal(code, 1)
      assert.match(stderr, says)
      assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`)
      assert.doesNotMatch(stderr, /at .*\.(ts|js):\d+/, 'no stack')
      return true
    })
  }
})

test('seed-demo reports progress on stderr and leaves stdout to the JSON', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'seed-demo'], { env })
  assert.ok(JSON.parse(stdout).users.alice.email)
  assert.match(stderr, /seed-demo: .*users/)
  assert.match(stderr, /seed-demo: done/)
})

test('a bad configuration value stops the command with a message naming it', async () => {
  await assert.rejects(
    run(process.execPath, [cli, 'migrate'], { env: { ...env, CONTACT_US_EMAIL_TO: '{"nodefault": []}' } }),
    (error: any) => error.code === 1 && /CONTACT_US_EMAIL_TO/.test(error.stderr),
  )
})
