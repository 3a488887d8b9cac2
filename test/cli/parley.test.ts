import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
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

test('a bad command or a missing option exits non-zero with a message', async () => {
  await assert.rejects(
    parley('no-such-command'),
    (error: any) => error.code === 1 && /unknown command/.test(error.stderr),
  )
  await assert.rejects(
    parley('create-token'),
    (error: any) => error.code === 1 && /--email/.test(error.stderr),
  )
})

test('a bad configuration value stops the command with a message naming it', async () => {
  await assert.rejects(
    run(process.execPath, [cli, 'migrate'], { env: { ...env, CONTACT_US_EMAIL_TO: '{"nodefault": []}' } }),
    (error: any) => error.code === 1 && /CONTACT_US_EMAIL_TO/.test(error.stderr),
  )
})
