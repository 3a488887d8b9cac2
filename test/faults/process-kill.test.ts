import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { inArray } from 'drizzle-orm'
import pg from 'pg'
import { openDatabase } from '../../src/db/client.ts'
import { contacts, outbox } from '../../src/db/schema/index.ts'
import type { EmailPayload } from '../../src/domain/outbox/email.ts'
import { HttpClient, withToken } from '../helpers/http-client.ts'
import { startSmtpSink } from '../helpers/smtp-sink.ts'

const main = new URL('../../src/main.ts', import.meta.url).pathname
const cli = new URL('../../src/cli/parley.ts', import.meta.url).pathname
const serverUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined

/** A database of this test's own: a fresh one on the PostgreSQL server when there is one, else a PGlite folder. */
async function ownDatabase(dataDir: string) {
  if (!serverUrl) return { url: undefined, drop: async () => {} }
  const name = `parley_kill_${crypto.randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
    dataDir,
  }
}

function startParley(env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [main], { env })
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  )
  const listening = new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    exited.then((code) => reject(new Error(`exited with ${String(code)} before listening: ${output}`)))
  })
  return { child, exited, listening }
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { env })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  return new Promise<string>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args.at(-1)}: ${code}`)))),
  )
}

/** Polls until `done` holds; fails with `message` if it still does not after 60 s. */
async function eventually(done: () => Promise<boolean>, message: string) {
  const deadline = Date.now() + 60_000
  while (!(await done())) {
    assert.ok(Date.now() < deadline, message)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('kill -9 during a burst of contact-us forms: every acknowledged form is stored and mailed exactly once', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-kill-'))
  const database = await ownDatabase(dataDir)
  const sink = await startSmtpSink()
  const processes: ChildProcess[] = []
  t.after(async () => {
    for (const child of processes) child.kill('SIGKILL')
    await sink.close()
    await database.drop()
    await rm(dataDir, { recursive: true, force: true })
  })
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PARLEY_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    SMTP_URL: sink.url,
    CONTACT_US_RATE_PER_MINUTE: '100000',
    // A claim the killed process held is taken again this soon after the restart.
    OUTBOX_LEASE_MS: '500',
    OUTBOX_RETRY_BASE_MS: '100',
    OUTBOX_POLL_MS: '100',
  }
  if (database.url) env.DATABASE_URL = database.url
  else delete env.DATABASE_URL
  const demo = JSON.parse(await run([cli, 'seed-demo'], env))
  // The SMTP server is down while the forms arrive: an email the server took just before the kill, but the
  // outbox had not yet recorded, would be sent again after the restart (at least once, same Message-ID).
  await sink.down()

  const first = startParley(env)
  processes.push(first.child)
  const baseUrl = await first.listening
  const acknowledged: string[] = []
  let sent = 0
  let killed = false
  const burst = async () => {
    const browser = new HttpClient(baseUrl)
    await browser.get('/users/contact-us-subjects/')
    while (!killed) {
      const email = `burst-${sent++}@example.com`
      const form = { subject: demo.subjects.general.id, full_name: 'Burst Guest', email, message: 'Hello' }
      try {
        const response = await browser.post('/users/contact-us/', { json: form })
        if (response.status === 200) acknowledged.push(email)
        else assert.fail(`form answered ${response.status}: ${response.text}`)
      } catch (error) {
        // The process died with the request in flight: the form was not acknowledged.
        if (!killed) throw error
      }
      if (acknowledged.length >= 30 && !killed) {
        killed = true
        first.child.kill('SIGKILL')
      }
    }
  }
  await Promise.all([burst(), burst(), burst(), burst()])
  assert.equal(await first.exited, 'SIGKILL')

  await sink.up()
  const second = startParley(env)
  processes.push(second.child)
  const staff = withToken(await second.listening, demo.users.admin.token)
  type Listed = { email: string; emails: { status: string }[] }
  await eventually(async () => {
    const response = await staff.get('/api/contacts/?page_size=100')
    const listed: Listed[] = response.body.results ?? response.body
    const stored = new Set(listed.map((contact) => contact.email))
    return (
      acknowledged.every((email) => stored.has(email)) &&
      listed.every((contact) => contact.emails.every((email) => email.status === 'sent'))
    )
  }, 'every acknowledged form is stored and its emails sent after the restart')
  second.child.kill('SIGTERM')
  assert.equal(await second.exited, 0)

  const opened = await openDatabase({ databaseUrl: database.url, dataDir, poolSize: 1 })
  try {
    const stored = await opened.db.select().from(contacts).where(inArray(contacts.email, acknowledged))
    assert.deepEqual(
      stored.map((contact) => contact.email).sort(),
      [...acknowledged].sort(),
      'each stored once',
    )
    const queued = await opened.db.select().from(outbox)
    assert.ok(queued.every((row) => row.status === 'sent'))
    const messageIds = queued.map((row) => (row.payload as EmailPayload).messageId).sort()
    const arrivals = sink.arrivals()
    assert.deepEqual(
      [...arrivals.keys()].sort(),
      messageIds,
      'every queued email arrived, under its Message-ID',
    )
    assert.deepEqual(
      [...arrivals.values()],
      messageIds.map(() => 1),
      'each exactly once',
    )
  } finally {
    await opened.close()
  }
})
