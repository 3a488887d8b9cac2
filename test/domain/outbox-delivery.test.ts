import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { outbox } from '../../src/db/schema/index.ts'
import type { MailMessage } from '../../src/infra/mail/mail-transport.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import type { HttpClient } from '../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

let smtp: SmtpSink
let parley: TestApp

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({ env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000' } })
})
after(async () => {
  await parley.close()
  await smtp.close()
})

async function submitMany(browser: HttpClient, count: number, app: TestApp = parley) {
  for (let index = 0; index < count; index += 1) {
    const response = await browser.post('/users/contact-us/', { json: validForm(app) })
    assert.equal(response.status, 200)
  }
}

/** How many times each Message-ID arrived. */
const arrivals = () => {
  const counts = new Map<string, number>()
  for (const mail of smtp.received) {
    const id = mail.headers.get('message-id') ?? ''
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

async function pendingCount(app: TestApp) {
  return (await app.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length
}

/** Polls until `done` holds; fails with `message` if it still does not after 10 s. */
async function eventually(done: () => boolean | Promise<boolean>, message: string) {
  const deadline = Date.now() + 10_000
  while (!(await done())) {
    assert.ok(Date.now() < deadline, message)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * Waits for the outbox to settle: an email can reach the SMTP server a moment before its worker records
 * it as sent. Fails if anything is still pending after 10 s.
 */
const settled = () =>
  eventually(async () => (await pendingCount(parley)) === 0, 'the outbox still has pending emails')

test('an SMTP server that refuses for a while delays mail and loses none', async () => {
  smtp.refuse(4)
  await submitMany(await guestBrowser(parley), 3)
  await smtp.waitFor(3)
  assert.equal(smtp.refusedCount, 4, 'the server did refuse')
  const counts = arrivals()
  assert.equal(counts.size, 3)
  assert.ok(
    [...counts.values()].every((count) => count === 1),
    'each email arrived exactly once',
  )
  await settled()
  const rows = await parley.db.select().from(outbox)
  assert.ok(
    rows.some((row) => row.attempts > 1),
    'a refused email was retried',
  )
  assert.ok(rows.filter((row) => row.attempts > 1).every((row) => row.lastError === null))
})

test('a server that refused a whole batch gets a pause before the next email is tried', async () => {
  const sink = await startSmtpSink()
  const pollMs = 1500
  const paused = await startTestApp({
    env: { SMTP_URL: sink.url, CONTACT_US_RATE_PER_MINUTE: '1000', OUTBOX_POLL_MS: String(pollMs) },
  })
  try {
    sink.refuse(1)
    const browser = await guestBrowser(paused)
    await submitMany(browser, 1, paused)
    await eventually(() => sink.refusedCount > 0, 'the first email was never tried')
    const refusedAt = Date.now()
    await submitMany(browser, 1, paused)
    // Queued right after the refusal, the second email would otherwise go out at once, woken by its queueing.
    await new Promise((resolve) => setTimeout(resolve, pollMs / 3))
    assert.equal(sink.received.length, 0, 'nothing was tried during the pause')
    await sink.waitFor(2)
    assert.ok(Date.now() - refusedAt >= pollMs - 100, 'the pause lasted the poll interval')
    assert.equal(sink.refusedCount, 1)
  } finally {
    await paused.close()
    await sink.close()
  }
})

test('an email refused on every attempt is given up on after the last one, with the reason kept', async () => {
  const sink = await startSmtpSink()
  const refusing = await startTestApp({
    env: { SMTP_URL: sink.url, CONTACT_US_RATE_PER_MINUTE: '1000', OUTBOX_MAX_ATTEMPTS: '2' },
  })
  try {
    sink.refuse(1000)
    await submitMany(await guestBrowser(refusing), 1, refusing)
    await eventually(async () => (await pendingCount(refusing)) === 0, 'the email was never given up on')
    const [entry] = await refusing.db.select().from(outbox)
    assert.equal(entry?.status, 'failed')
    assert.equal(entry?.attempts, 2)
    assert.match(entry?.lastError ?? '', /451/)
    // Given up on means never tried again.
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(sink.refusedCount, 2)
  } finally {
    await refusing.close()
    await sink.close()
  }
})

test('a second instance on the same database shares the outbox without sending anything twice', async () => {
  const second = await startTestApp({
    env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000' },
    shared: { database: parley.database, dataDir: parley.dataDir },
  })
  const before = smtp.received.length
  try {
    await Promise.all([
      submitMany(await guestBrowser(parley), 10),
      submitMany(await guestBrowser(second), 10),
    ])
    await smtp.waitFor(before + 20)
  } finally {
    // Closing waits for every send under way, so a duplicate would have arrived by now.
    await second.close()
  }
  await settled()
  const counts = arrivals()
  assert.equal(smtp.received.length, counts.size, 'no Message-ID arrived twice')
  assert.equal(counts.size, before + 20)
})

test('an email whose send outlasts the lease is not claimed and sent again by another instance', async () => {
  const sink = await startSmtpSink()
  const env = { SMTP_URL: sink.url, CONTACT_US_RATE_PER_MINUTE: '1000', OUTBOX_LEASE_MS: '300' }
  const first = await startTestApp({ env })
  const second = await startTestApp({ env, shared: { database: first.database, dataDir: first.dataDir } })
  try {
    sink.hold()
    await submitMany(await guestBrowser(first), 4, first)
    await eventually(() => sink.held().length === 4, 'every email reached the server')
    // Held for several leases: without renewal the other instance would claim and send them again.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    assert.equal(sink.held().length, 4, 'no email was sent twice while the server kept its senders waiting')
    sink.release()
    await eventually(async () => (await pendingCount(first)) === 0, 'the outbox still has pending emails')
    await new Promise((resolve) => setTimeout(resolve, 600))
    assert.deepEqual([...sink.arrivals().values()], [1, 1, 1, 1], 'each email arrived once')
  } finally {
    await second.close()
    await first.close()
    await sink.close()
  }
})

/** An instance whose worker, with nothing to do, would not look at the outbox again for a minute. */
const slowPolling = (sink: SmtpSink) => ({
  SMTP_URL: sink.url,
  CONTACT_US_RATE_PER_MINUTE: '1000',
  OUTBOX_POLL_MS: '60000',
})

test('an instance delivers the forms it takes at once, whenever it would next poll', async () => {
  const sink = await startSmtpSink()
  const idle = await startTestApp({ env: slowPolling(sink) })
  try {
    // The first form may commit while the worker's opening claim is still running, the next once it waits.
    await submitMany(await guestBrowser(idle), 1, idle)
    await sink.waitFor(1, 5_000)
    await submitMany(await guestBrowser(idle), 1, idle)
    await sink.waitFor(2, 5_000)
  } finally {
    await idle.close()
    await sink.close()
  }
})

test('an instance never without a request in flight still delivers, after its longest wait', async () => {
  const sink = await startSmtpSink()
  const busy = await startTestApp({ env: slowPolling(sink) })
  const browser = await guestBrowser(busy)
  // A form whose body never ends: the instance answers it for as long as the test runs.
  const stalled = httpRequest(`${busy.baseUrl}/users/contact-us/`, {
    method: 'POST',
    headers: {
      ...browser.cookieHeader(),
      [browser.csrfHeader]: browser.cookies.get(browser.csrfCookie) ?? '',
      'content-type': 'application/json',
      'content-length': '1000',
    },
  })
  let answered = false
  stalled.on('response', () => {
    answered = true
  })
  stalled.on('error', () => {})
  stalled.write('{"subject": ')
  try {
    await submitMany(browser, 2, busy)
    await sink.waitFor(2, 5_000)
    assert.equal(answered, false, 'the stalled form was in flight throughout')
  } finally {
    stalled.destroy()
    await busy.close()
    await sink.close()
  }
})

test('a form taken by an instance without a worker wakes the worker of another', async () => {
  const sink = await startSmtpSink()
  const delivering = await startTestApp({ env: slowPolling(sink) })
  const front = await startTestApp({
    env: slowPolling(sink),
    runWorkers: false,
    shared: { database: delivering.database, dataDir: delivering.dataDir },
  })
  try {
    await submitMany(await guestBrowser(front), 2, front)
    await sink.waitFor(2, 5_000)
  } finally {
    await front.close()
    await delivering.close()
    await sink.close()
  }
})

test('a graceful close finishes the send under way', async () => {
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let started!: () => void
  const sending = new Promise<void>((resolve) => {
    started = resolve
  })
  const delivered: MailMessage[] = []
  const slow = await startTestApp({
    env: { CONTACT_US_RATE_PER_MINUTE: '1000' },
    mailTransport: {
      async send(message) {
        started()
        await gate
        delivered.push(message)
      },
      close() {},
    },
  })
  try {
    const browser = await guestBrowser(slow)
    const response = await browser.post('/users/contact-us/', { json: validForm(slow) })
    assert.equal(response.status, 200)
    await sending
    const closing = slow.app.close()
    release()
    await closing
    assert.equal(delivered.length, 1)
    const rows = await slow.db.select().from(outbox)
    assert.deepEqual(
      rows.map((row) => row.status),
      ['sent'],
      'the send was recorded before the app finished closing',
    )
  } finally {
    await slow.close()
  }
})
