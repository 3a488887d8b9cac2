import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import pg from 'pg'
import type { DemoData } from '../../src/cli/seed-demo.ts'
import { HttpClient } from '../helpers/http-client.ts'
import { type Instance, startInstance, stopInstance } from '../helpers/instances.ts'
import { scrape } from '../helpers/metrics.ts'
import { startRoundRobinProxy, UPSTREAM_HEADER } from '../helpers/round-robin-proxy.ts'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts'
import { openEventStream } from '../helpers/sse-client.ts'
import { vendorClient } from './vendor/fixtures.ts'

// Three Parley processes on one PostgreSQL database behind a round-robin proxy on loopback: what a client
// sees through the proxy must not depend on which instance answers it.
const serverUrl = process.env.DATABASE_URL
const onPostgres = serverUrl?.startsWith('postgres') ?? false
const skip = onPostgres ? false : 'needs PostgreSQL: PGlite is one process’s database, not one to share'
const NAMES = ['one', 'two', 'three']
const TOKEN = 'three-instances-metrics-token'
const RATE = 3
const LOGIN_FAILURES = 3

let databaseName: string
let databaseUrl: string
let dataDir: string
let sink: SmtpSink
let instances: Instance[] = []
let proxy: Awaited<ReturnType<typeof startRoundRobinProxy>>
let demo: DemoData
let sql: pg.Client

before(async () => {
  if (!onPostgres) return
  databaseName = `parley_test_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${databaseName}`)
  await admin.end()
  const url = new URL(serverUrl ?? '')
  url.pathname = `/${databaseName}`
  databaseUrl = url.toString()
  dataDir = await mkdtemp(join(tmpdir(), 'parley-three-'))
  sink = await startSmtpSink()
  const env = {
    DATABASE_URL: databaseUrl,
    PARLEY_DATA_DIR: dataDir,
    SMTP_URL: sink.url,
    TRUST_PROXY: 'loopback',
    METRICS_TOKEN: TOKEN,
    CONTACT_US_EMAIL_TO: JSON.stringify({ default: ['support@parley.test'] }),
    CONTACT_US_RATE_PER_MINUTE: String(RATE),
    LOGIN_FAILURES_PER_ACCOUNT: String(LOGIN_FAILURES),
    OUTBOX_POLL_MS: '100',
    OUTBOX_RETRY_BASE_MS: '100',
    // An email claimed by an instance that dies is retried by another once this lease runs out.
    OUTBOX_LEASE_MS: '5000',
    DATABASE_POOL_SIZE: '4',
  }
  instances = await Promise.all(
    NAMES.map((name) => startInstance(name, { ...env, MAIL_FROM: `Parley <no-reply@${name}.parley.test>` })),
  )
  const cli = new URL('../../src/cli/parley.ts', import.meta.url).pathname
  const seeded = await promisify(execFile)(process.execPath, [cli, 'seed-demo'], {
    env: { ...process.env, ...env },
  })
  demo = JSON.parse(seeded.stdout)
  sql = new pg.Client({ connectionString: databaseUrl })
  await sql.connect()
  proxy = await startRoundRobinProxy(instances.map(({ name, url }) => ({ name, url })))
})

after(async () => {
  if (!onPostgres) return
  await proxy?.close()
  await Promise.all(instances.map(stopInstance))
  await sql?.end()
  await sink?.close()
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${databaseName} with (force)`)
  await admin.end()
  await rm(dataDir, { recursive: true, force: true })
})

const upstreamOf = (response: { headers: Headers }) => response.headers.get(UPSTREAM_HEADER)

/** A guest's contact-us form through the proxy, from `client` (an address the trusted proxy forwards). */
async function contactUs(client: string, email: string) {
  const browser = new HttpClient(proxy.url)
  const headers = { 'x-forwarded-for': client }
  const page = await browser.get('/users/contact-us-subjects/', { headers })
  if (page.status !== 200) throw new Error(`the form's page answered ${page.status}`)
  const form = { subject: demo.subjects.general.id, full_name: 'Load Test', email, message: 'Hello' }
  return browser.post('/users/contact-us/', { json: form }, { headers })
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function eachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
    }),
  )
}

/** The Message-ID each contact's email was queued with, by the contact's email address. */
async function queuedMessageIds(emailLike: string) {
  const result = await sql.query(
    `select c.email, o.payload ->> 'messageId' as "messageId", o.status from contacts c
     join outbox o on o.contact_id = c.id where c.email like $1`,
    [emailLike],
  )
  return result.rows as { email: string; messageId: string; status: string }[]
}

const bare = (messageId: string | undefined) => messageId?.replace(/[<>]/g, '')
const receivedIds = () => sink.received.map((mail) => bare(mail.headers.get('message-id')))

/** Polls until `done` holds; fails after a minute, a deadline no load reaches, instead of hanging. */
async function until(done: () => boolean | Promise<boolean>) {
  const deadline = Date.now() + 60_000
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `gave up waiting for ${String(done)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('a session made through one instance works on the others', { skip }, async () => {
  const alice = demo.users.alice
  const browser = new HttpClient(proxy.url)
  const login = await browser.login(alice.email, alice.password)
  assert.equal(login.status, 200)
  const pages = [await browser.get('/users/conversations/'), await browser.get('/users/conversations/')]
  pages.push(await browser.get('/users/conversations/'))
  assert.deepEqual(
    pages.map((page) => page.status),
    [200, 200, 200],
  )
  assert.deepEqual(new Set(pages.map(upstreamOf)), new Set(NAMES), 'each instance answered one of them')
  await browser.post('/users/logout/', { json: {} })
  const afterLogout = await Promise.all([0, 1, 2].map(() => browser.get('/users/conversations/')))
  assert.deepEqual(
    afterLogout.map((page) => page.status),
    [403, 403, 403],
    'and its end holds on every instance at once',
  )
})

test('an event stream held on one instance gets a message posted through another', { skip }, async () => {
  const alice = vendorClient(proxy.url)
  const seller = vendorClient(proxy.url)
  for (const [client, user] of [
    [alice, demo.users.alice],
    [seller, demo.users.seller],
  ] as const) {
    const login = await client.post('/vendor/auth/login', {
      json: { email: user.email, password: user.password },
    })
    assert.equal(login.status, 200)
  }
  const product = await sql.query(
    `insert into products (company_id, seller_id, name, price, published_at) values ($1, $2, 'Proxy part', 10, now())
     returning id`,
    [demo.company.id, demo.sellers.bmw.id],
  )
  const stream = await openEventStream(`${proxy.url}/vendor/events`, seller.cookieHeader())
  assert.equal(stream.status, 200)
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: Number(product.rows[0].id), message: 'Is it in stock?' },
  })
  assert.equal(opened.status, 201)
  assert.notEqual(upstreamOf(opened), stream.headers.get(UPSTREAM_HEADER), 'posted through another instance')
  const [created] = await stream.next(1)
  assert.equal(created?.event, 'message.created')
  assert.equal(created?.data.data.message.text, 'Is it in stock?')
  await stream.close()
})

test('an outbox backlog is shared out among the instances and each email is sent once', {
  skip,
}, async (t) => {
  const tag = randomUUID().slice(0, 8)
  const forms = Array.from({ length: 60 }, (_, index) => index)
  const submit = async (index: number) => {
    const response = await contactUs(
      `198.18.${index >> 8}.${index & 255}`,
      `backlog-${tag}-${index}@example.com`,
    )
    assert.equal(response.status, 200)
  }
  // The server keeps every sender waiting. Forms go one at a time until each instance is held on one: an
  // instance held on its batch claims nothing more, so the next form goes to one that is free.
  sink.hold()
  const before = sink.received.length
  const heldSenders = () => new Set(sink.held().map((mail) => mail.from)).size
  let submitted = 0
  while (heldSenders() < NAMES.length) {
    assert.ok(
      submitted < forms.length,
      `only ${heldSenders()} instances took a form while the others were held`,
    )
    await submit(submitted)
    submitted += 1
    await until(() => sink.held().length === submitted)
  }
  // The rest queue up behind them, and are left to all three once the server answers.
  await eachLimited(forms.slice(submitted), 6, submit)
  const pending = await sql.query(`select count(*)::int as count from outbox where status = 'pending'`)
  const backlog: number = pending.rows[0].count
  sink.release()

  const queued = await queuedMessageIds(`backlog-${tag}-%`)
  assert.equal(queued.length, forms.length, 'one email queued per form')
  await until(() => sink.received.length - before >= queued.length)
  const mails = sink.received.slice(before)
  const ids = new Set(queued.map((row) => bare(row.messageId)))
  assert.equal(mails.length, queued.length)
  assert.deepEqual(new Set(mails.map((mail) => bare(mail.headers.get('message-id')))), ids, 'each email once')
  const bySender = NAMES.map(
    (name) => mails.filter((mail) => mail.from === `no-reply@${name}.parley.test`).length,
  )
  t.diagnostic(
    `${mails.length} emails, ${backlog} of them unsent when the server began answering, delivered by one/two/three: ${bySender.join('/')}`,
  )
  assert.ok(
    bySender.every((count) => count > 0),
    `every instance delivered some: ${bySender.join('/')}`,
  )
  const delivered = await Promise.all(
    instances.map(async (instance) =>
      (await scrape(`${instance.url}/metrics`, TOKEN)).value('parley_outbox_delivered_total', {
        kind: 'email',
      }),
    ),
  )
  assert.ok(
    delivered.every((count) => (count ?? 0) > 0),
    `each instance's /metrics counts its deliveries: ${delivered.join('/')}`,
  )
})

test('the contact-us and login throttles hold across instances', { skip }, async () => {
  const forms: number[] = []
  for (let index = 0; index <= RATE; index += 1) {
    forms.push((await contactUs('198.19.0.1', `throttle-${randomUUID()}@example.com`)).status)
  }
  assert.deepEqual(
    forms,
    [...Array(RATE).fill(200), 429],
    'the fourth form in a minute is refused, whichever instance',
  )

  const bob = demo.users.bob
  const browser = new HttpClient(proxy.url)
  await browser.get('/users/contact-us-subjects/')
  const logins: (number | null)[][] = []
  for (const password of [...Array(LOGIN_FAILURES).fill('wrong password'), bob.password]) {
    const login = await browser.post('/users/login/', { json: { email: bob.email, password } })
    logins.push([login.status, NAMES.indexOf(upstreamOf(login) ?? '')])
  }
  assert.deepEqual(
    logins.map(([status]) => status),
    [...Array(LOGIN_FAILURES).fill(400), 429],
    'after three failures spread over the instances, even the right password is refused for now',
  )
  assert.equal(new Set(logins.map(([, instance]) => instance)).size, NAMES.length, 'every instance took part')
})

test('an instance killed mid-load loses nothing it accepted', { skip }, async (t) => {
  const tag = randomUUID().slice(0, 8)
  const victim = instances[1] as Instance
  const outcomes = new Map<string, number | string>()
  let answered = 0
  let killed: Promise<unknown> | undefined
  await eachLimited(
    Array.from({ length: 90 }, (_, index) => index),
    6,
    async (index) => {
      const email = `load-${tag}-${index}@example.com`
      const response = await contactUs(`198.20.${index >> 8}.${index & 255}`, email).catch(
        (error: Error) => error,
      )
      outcomes.set(email, response instanceof Error ? response.message : response.status)
      answered += 1
      // Killed while forms are still being sent to it and its worker may hold claimed emails.
      if (answered === 20 && !killed) {
        victim.child.kill('SIGKILL')
        killed = victim.exited
      }
    },
  )
  await killed
  const accepted = [...outcomes].filter(([, status]) => status === 200).map(([email]) => email)
  const refused = [...outcomes].filter(([, status]) => status !== 200)
  assert.ok(accepted.length > 20, `most forms were accepted: ${accepted.length}`)
  assert.ok(
    refused.every(([, status]) => status === 502 || status === "the form's page answered 502"),
    `the others were cut off by the kill, the form or the page before it: ${JSON.stringify(refused)}`,
  )

  const queued = await queuedMessageIds(`load-${tag}-%`)
  const stored = new Set(queued.map((row) => row.email))
  assert.deepEqual(
    accepted.filter((email) => !stored.has(email)),
    [],
    'every accepted form is stored with its email',
  )
  // The survivors deliver what was queued, the emails the dead instance had claimed once their lease ran out.
  await until(async () => (await queuedMessageIds(`load-${tag}-%`)).every((row) => row.status === 'sent'))
  const received = receivedIds()
  const missing = queued.filter((row) => !received.includes(bare(row.messageId)))
  assert.deepEqual(missing, [], 'every queued email arrived')
  const copies = queued.map((row) => received.filter((id) => id === bare(row.messageId)).length)
  const resent = copies.filter((count) => count > 1).length
  t.diagnostic(
    `killed "two" after 20 answers: ${outcomes.size} forms, ${accepted.length} accepted, ${refused.length} cut off (502), ` +
      `${queued.length} stored and mailed, ${resent} sent again under the same Message-ID after the kill`,
  )
})
