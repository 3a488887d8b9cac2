import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import type { Listener } from '../../src/db/listener.ts'
import { outbox } from '../../src/db/schema/index.ts'
import { outboxRepository } from '../../src/domain/outbox/outbox-repository.ts'
import { createBlobStore } from '../../src/infra/blobs/blob-store.ts'
import type { MailMessage, MailTransport } from '../../src/infra/mail/mail-transport.ts'
import { createOutboxWorker, type OutboxWorkerOptions } from '../../src/jobs/outbox-worker.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import type { HttpClient } from '../helpers/http-client.ts'
import { manualClock } from '../helpers/manual-clock.ts'
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

/**
 * An outbox worker of its own on `app`'s database (started with `runWorkers: false`, so nothing else claims),
 * sending through `send`, retrying at once, and waiting through `sleep`.
 */
function workerOn(app: TestApp, send: MailTransport['send'], options: Partial<OutboxWorkerOptions> = {}) {
  return createOutboxWorker({
    database: app.database,
    listener: { subscribe: async () => () => {} } as unknown as Listener,
    transport: { send, close() {} },
    blobs: createBlobStore(join(app.dataDir, 'blobs')),
    mailFrom: 'parley@example.test',
    log: { warn() {}, error() {} },
    pollMs: 1_500,
    retryBaseMs: 0,
    maxAttempts: 5,
    ...options,
  })
}

/** Refuses as an SMTP server in trouble does. */
const refusal = () => new Error('451 4.3.0 try again later')

test('a server that refused a whole batch gets a pause before the next email is tried', {
  timeout: 60_000,
}, async () => {
  const front = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' }, runWorkers: false })
  const clock = manualClock()
  const tried: string[] = []
  const worker = workerOn(
    front,
    async (message) => {
      tried.push(message.messageId)
      if (tried.length === 1) throw refusal()
    },
    { sleep: clock.sleep },
  )
  try {
    const browser = await guestBrowser(front)
    await submitMany(browser, 1, front)
    await worker.start()
    await clock.slept(1)
    assert.equal(tried.length, 1, 'the first email was tried and refused')
    const [pause] = clock.sleeping()
    assert.equal(pause?.ms, 1_500, 'the pause lasts the poll interval')
    // Queued during the pause, the second email would otherwise go out at once, woken by its queueing.
    await submitMany(browser, 1, front)
    worker.wake()
    assert.equal(pause.signal?.aborted, false, 'news of an email does not end the pause')
    clock.advance(1_499)
    assert.deepEqual(clock.sleeping(), [pause], 'the pause is not over a moment early')
    assert.equal(tried.length, 1, 'nothing was tried during the pause')
    clock.advance(1)
    await clock.slept(2)
    assert.equal(tried.length, 3, 'after the pause, the refused email and the new one were tried')
    assert.equal(new Set(tried).size, 2)
    const [idle] = clock.sleeping()
    worker.wake()
    assert.equal(idle?.signal?.aborted, true, 'an idle wait, unlike the pause, ends on news')
  } finally {
    await worker.stop()
    await front.close()
  }
})

test('an email refused on every attempt is given up on after the last one, with the reason kept', {
  timeout: 60_000,
}, async () => {
  const front = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' }, runWorkers: false })
  const clock = manualClock()
  let tries = 0
  const worker = workerOn(
    front,
    async () => {
      tries += 1
      throw refusal()
    },
    { sleep: clock.sleep, maxAttempts: 2 },
  )
  try {
    await submitMany(await guestBrowser(front), 1, front)
    await worker.start()
    // Two refusals, each followed by a pause; the third wait begins once a claim found nothing to try:
    // given up on means never tried again.
    await clock.slept(1)
    clock.advance(1_500)
    await clock.slept(2)
    clock.advance(1_500)
    await clock.slept(3)
    assert.equal(tries, 2)
    const [entry] = await front.db.select().from(outbox)
    assert.equal(entry?.status, 'failed')
    assert.equal(entry?.attempts, 2)
    assert.match(entry?.lastError ?? '', /451/)
  } finally {
    await worker.stop()
    await front.close()
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

test('an email whose send outlasts its lease has the lease renewed, so no other instance claims it meanwhile', async (t) => {
  const front = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' }, runWorkers: false })
  const gate = Promise.withResolvers<void>()
  const allSending = Promise.withResolvers<void>()
  let sends = 0
  const leaseMs = 60_000
  // The renewal's interval only: the lease itself is kept by the database's clock.
  t.mock.timers.enable({ apis: ['setInterval'] })
  const worker = workerOn(
    front,
    async () => {
      sends += 1
      if (sends === 4) allSending.resolve()
      await gate.promise
    },
    { leaseMs },
  )
  try {
    await submitMany(await guestBrowser(front), 4, front)
    const batch = worker.runOnce()
    await allSending.promise
    // The sends outlast the lease, as on a server slower than it: without a renewal, their emails are due.
    await front.db.update(outbox).set({ nextAttemptAt: sql`now() - interval '1 second'` })
    t.mock.timers.tick(leaseMs / 3)
    await eventually(
      async () =>
        (await front.db.select().from(outbox).where(sql`${outbox.nextAttemptAt} > now()`)).length === 4,
      'the lease was not renewed while the sends were under way',
    )
    assert.deepEqual(
      await outboxRepository.claim(front.db, 50, leaseMs),
      [],
      'another instance claims none of them',
    )
    gate.resolve()
    assert.deepEqual(await batch, { claimed: 4, delivered: 4 })
    assert.equal(sends, 4, 'each email was sent once')
    const rows = await front.db.select().from(outbox)
    assert.deepEqual(
      rows.map((row) => [row.status, row.attempts]),
      Array(4).fill(['sent', 1]),
    )
  } finally {
    gate.resolve()
    await front.close()
  }
})

/**
 * An instance whose worker, with nothing to do, would not look at the outbox again for an hour: mail that
 * arrives within the sink's deadline, however loaded the machine, went out because the worker was woken.
 */
const slowPolling = (sink: SmtpSink) => ({
  SMTP_URL: sink.url,
  CONTACT_US_RATE_PER_MINUTE: '1000',
  OUTBOX_POLL_MS: '3600000',
})

test('an instance delivers the forms it takes at once, whenever it would next poll', async () => {
  const sink = await startSmtpSink()
  const idle = await startTestApp({ env: slowPolling(sink) })
  try {
    // The first form may commit while the worker's opening claim is still running, the next once it waits.
    await submitMany(await guestBrowser(idle), 1, idle)
    await sink.waitFor(1)
    await submitMany(await guestBrowser(idle), 1, idle)
    await sink.waitFor(2)
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
    await sink.waitFor(2)
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
    await sink.waitFor(2)
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
