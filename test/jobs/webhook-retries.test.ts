import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import { webhookAttempts, webhookDeliveries, webhookEvents } from '../../src/db/schema/index.ts'
import { appendMessage, newMessage } from '../../src/domain/conversations/engine/append-message.ts'
import { deliveriesRepository } from '../../src/domain/webhooks/deliveries-repository.ts'
import { LONGEST_RETRY_DELAY_MS, MAX_ATTEMPTS } from '../../src/domain/webhooks/retry-schedule.ts'
import {
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from '../../src/jobs/webhook-worker.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { type Answer, type ReceivedWebhook, startWebhookReceiver } from '../helpers/webhook-receiver.ts'
import { customerMessage, loggedIn } from '../surfaces/storefront/conversations-fixtures.ts'
import { vendorLogin } from '../surfaces/vendor/fixtures.ts'

let parley: TestApp
let smtp: SmtpSink
let admin: HttpClient
let worker: WebhookWorker
/** How far the worker's clock runs ahead of the real one: moved forward by the tests instead of waiting. */
let ahead = 0
const later = (ms: number) => {
  ahead += ms
}
const quiet = { warn: () => {}, error: () => {} }

/** A worker of its own on the test app's database, on the clock the tests move. */
const workerWith = (options: Pick<WebhookWorkerOptions, 'pollMs' | 'post'> & Partial<WebhookWorkerOptions>) =>
  createWebhookWorker({
    database: parley.database,
    listener: parley.app.listener,
    log: quiet,
    clock: () => new Date(Date.now() + ahead),
    mailDomain: 'parley.test',
    wakeOutbox: () => {},
    ...options,
  })

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    runWorkers: false,
    env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CONTACT_US_RATE_PER_MINUTE: '1000', SMTP_URL: smtp.url },
  })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  worker = workerWith({ pollMs: 50, post: { allowLoopback: true, totalTimeoutMs: 500 } })
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** A receiver answering as `answer` says, registered for `events`; removed with its deliveries afterwards. */
async function endpointFor(answer: (request: ReceivedWebhook, index: number) => Answer, events = ['*']) {
  let index = 0
  const receiver = await startWebhookReceiver((request) => answer(request, index++))
  const created = await admin.post('/api/webhook-endpoints/', { json: { url: receiver.url, events } })
  assert.equal(created.status, 201)
  return {
    receiver,
    id: created.body.id as number,
    async remove() {
      await admin.delete(`/api/webhook-endpoints/${created.body.id}/`)
      await receiver.close()
    },
  }
}

async function submitForm() {
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
}

const deliveriesOf = (endpointId: number) =>
  parley.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))

test('a 500 is retried after about 5 s of the clock, under the same webhook-id, then succeeds', async () => {
  const endpoint = await endpointFor((_, index) => ({
    status: index === 0 ? 500 : 204,
    body: 'down for maintenance',
  }))
  try {
    await submitForm()
    assert.equal((await worker.runOnce()).claimed, 1)
    assert.equal(endpoint.receiver.received.length, 1)
    later(3_900)
    assert.equal((await worker.runOnce()).claimed, 0, 'retried before 4 s (5 s less a fifth)')
    later(2_200)
    assert.equal((await worker.runOnce()).claimed, 1)
    const [first, second] = endpoint.receiver.received
    assert.equal(second?.headers['webhook-id'], first?.headers['webhook-id'])
    assert.equal(second?.body, first?.body)
    const [delivery] = await deliveriesOf(endpoint.id)
    assert.equal(delivery?.status, 'succeeded')
    assert.equal(delivery?.attempts, 2)
    assert.equal(delivery?.lastStatusCode, 204)
    const attempts = await parley.db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, delivery?.id ?? 0))
      .orderBy(webhookAttempts.id)
    assert.deepEqual(
      attempts.map((attempt) => [attempt.statusCode, attempt.responseBody]),
      [
        [500, 'down for maintenance'],
        [204, ''],
      ],
    )
  } finally {
    await endpoint.remove()
  }
})

test('a receiver that times out is retried with the same webhook-id', async () => {
  // The first attempt is never answered: only the worker's time limit ends it.
  const endpoint = await endpointFor((_, index) => ({
    status: 200,
    until: index === 0 ? new Promise<void>(() => {}) : undefined,
  }))
  try {
    await submitForm()
    await worker.runOnce()
    const [delivery] = await deliveriesOf(endpoint.id)
    assert.equal(delivery?.status, 'pending')
    assert.match(delivery?.lastError ?? '', /no answer within 500 ms/)
    assert.equal(delivery?.lastStatusCode, null)
    later(6_100)
    await worker.runOnce()
    const ids = endpoint.receiver.received.map((request) => request.headers['webhook-id'])
    assert.equal(ids.length, 2)
    assert.equal(ids[0], ids[1])
    assert.equal((await deliveriesOf(endpoint.id))[0]?.status, 'succeeded')
  } finally {
    await endpoint.remove()
  }
})

test(`after ${MAX_ATTEMPTS} failed attempts on Svix's schedule a delivery has failed`, async () => {
  const endpoint = await endpointFor(() => ({ status: 503 }))
  try {
    await submitForm()
    for (let attempt = 1; attempt <= MAX_ATTEMPTS + 2; attempt++) {
      await worker.runOnce()
      later(LONGEST_RETRY_DELAY_MS + 1)
    }
    const [delivery] = await deliveriesOf(endpoint.id)
    assert.equal(delivery?.status, 'failed')
    assert.equal(delivery?.attempts, MAX_ATTEMPTS)
    assert.equal(endpoint.receiver.received.length, MAX_ATTEMPTS)
    assert.equal(new Set(endpoint.receiver.received.map((request) => request.headers['webhook-id'])).size, 1)
  } finally {
    await endpoint.remove()
  }
})

test('a conversation’s events reach an endpoint in order, even when one must be retried', async () => {
  const endpoint = await endpointFor((_, index) => ({ status: index === 0 ? 500 : 200 }), ['message.created'])
  try {
    const alice = await loggedIn(parley, 'alice')
    const aliceId = parley.demo.users.alice.id
    const created = await alice.post(
      '/users/conversations/',
      customerMessage(aliceId, {
        item_content: 'product',
        item_id: parley.demo.products.brakes.id,
        message_content: 'first',
      }),
    )
    const conversationId = created.body.id
    const seller = await vendorLogin(parley, 'seller')
    for (const text of ['second', 'third']) {
      const reply = await seller.post(`/vendor/conversations/${conversationId}/messages`, { json: { text } })
      assert.ok(reply.status < 300)
    }
    // Another conversation is not held back by the first one's failing head.
    await alice.post(
      '/users/conversations/',
      customerMessage(aliceId, {
        item_content: 'product',
        item_id: parley.demo.products.mirror.id,
        message_content: 'other',
      }),
    )
    await worker.runOnce()
    const textOf = (request: ReceivedWebhook | undefined) =>
      JSON.parse(request?.body ?? '{}').data.message.text
    assert.deepEqual(endpoint.receiver.received.map(textOf).sort(), ['first', 'other'])
    assert.equal((await worker.runOnce()).claimed, 0, 'the failed head blocks its conversation')
    for (let round = 0; round < 4; round++) {
      later(6_100)
      await worker.runOnce()
    }
    const ofConversation = endpoint.receiver.received
      .filter((request) => JSON.parse(request.body).data.message.conversation_id === String(conversationId))
      .map(textOf)
    assert.deepEqual(ofConversation, ['first', 'first', 'second', 'third'])
  } finally {
    await endpoint.remove()
  }
})

test('a change that rolls back queues no webhook', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    const alice = await loggedIn(parley, 'alice')
    const aliceId = parley.demo.users.alice.id
    const created = await alice.post(
      '/users/conversations/',
      customerMessage(aliceId, { item_content: 'product', item_id: parley.demo.products.brakes.id }),
    )
    // The conversation's events go one at a time, in order: deliver them all.
    while ((await worker.runOnce()).claimed > 0) {}
    const before = endpoint.receiver.received.length
    assert.equal(before, 2)
    const [{ count: eventsBefore } = { count: 0 }] = await parley.db
      .select({ count: sql<number>`count(*)::int` })
      .from(webhookEvents)
    const sender = {
      side: 'customer',
      party: { partyType: 'customer', partyId: aliceId },
      userId: aliceId,
      sellerId: null,
    }
    await assert.rejects(
      parley.db.transaction(async (tx) => {
        await appendMessage(
          tx,
          newMessage(parley.demo.company.id, created.body.id, sender as never, { text: 'never sent' }),
        )
        throw new Error('the change fails after its message was written')
      }),
      /the change fails/,
    )
    const [{ count: eventsAfter } = { count: 0 }] = await parley.db
      .select({ count: sql<number>`count(*)::int` })
      .from(webhookEvents)
    assert.equal(eventsAfter, eventsBefore)
    later(LONGEST_RETRY_DELAY_MS)
    await worker.runOnce()
    assert.equal(endpoint.receiver.received.length, before)
  } finally {
    await endpoint.remove()
  }
})

test('an endpoint failing for five days is disabled and its company’s admins are emailed', async () => {
  const endpoint = await endpointFor(() => ({ status: 500 }), ['contact.created'])
  try {
    const day = 24 * 3_600_000
    for (let days = 0; days <= 4; days++) {
      await submitForm()
      await worker.runOnce()
      const shown = await admin.get(`/api/webhook-endpoints/${endpoint.id}/`)
      assert.equal(shown.body.enabled, true, `disabled after ${days} days`)
      assert.ok(shown.body.failing_since)
      later(day)
    }
    await submitForm()
    await worker.runOnce()
    const disabled = await admin.get(`/api/webhook-endpoints/${endpoint.id}/`)
    assert.equal(disabled.body.enabled, false)
    assert.equal(disabled.body.disabled_reason, 'failing')
    const sentBefore = endpoint.receiver.received.length
    later(LONGEST_RETRY_DELAY_MS)
    await submitForm()
    await worker.runOnce()
    assert.equal(endpoint.receiver.received.length, sentBefore, 'a disabled endpoint receives nothing')

    await parley.app.outbox.runOnce()
    const told = smtp.received.filter((mail) =>
      /Webhook endpoint disabled/.test(mail.headers.get('subject') ?? ''),
    )
    assert.equal(told.length, 1)
    assert.deepEqual(told[0]?.recipients, [parley.demo.users.admin.email])
    assert.match(told[0]?.raw ?? '', new RegExp(`/api/webhook-endpoints/${endpoint.id}/`))

    // Enabled again by an admin: its failures are forgotten and what waited for it goes.
    endpoint.receiver.answerWith(() => ({ status: 200 }))
    const enabled = await admin.patch(`/api/webhook-endpoints/${endpoint.id}/`, { json: { enabled: true } })
    assert.equal(enabled.body.failing_since, null)
    assert.equal(enabled.body.disabled_reason, null)
    later(LONGEST_RETRY_DELAY_MS)
    while ((await worker.runOnce()).claimed > 0) {}
    const [{ pending } = { pending: -1 }] = await parley.db
      .select({ pending: sql<number>`count(*)::int` })
      .from(webhookDeliveries)
      .where(
        sql`${webhookDeliveries.endpointId} = ${endpoint.id} and ${webhookDeliveries.status} = 'pending'`,
      )
    assert.equal(pending, 0)
  } finally {
    await endpoint.remove()
  }
})

test('one success ends the run of failures', async () => {
  const endpoint = await endpointFor(
    (_, index) => ({ status: index % 2 === 0 ? 500 : 200 }),
    ['contact.created'],
  )
  try {
    for (let days = 0; days < 7; days++) {
      await submitForm()
      await worker.runOnce()
      later(6_000)
      await worker.runOnce()
      later(24 * 3_600_000)
    }
    const shown = await admin.get(`/api/webhook-endpoints/${endpoint.id}/`)
    assert.equal(shown.body.enabled, true)
    assert.equal(shown.body.failing_since, null)
  } finally {
    await endpoint.remove()
  }
})

/** Alice asks about a product and its seller replies with `texts`: one `message.created` for each. */
async function aConversationWithReplies(texts: string[]) {
  const alice = await loggedIn(parley, 'alice')
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(parley.demo.users.alice.id, {
      item_content: 'product',
      item_id: parley.demo.products.brakes.id,
    }),
  )
  const seller = await vendorLogin(parley, 'seller')
  for (const text of texts) {
    await seller.post(`/vendor/conversations/${created.body.id}/messages`, { json: { text } })
  }
}

test('deliveries behind a failing one are set aside until it is due again, and released when it is done', async () => {
  const endpoint = await endpointFor((_, index) => ({ status: index === 0 ? 500 : 200 }), ['message.created'])
  try {
    await aConversationWithReplies(['second', 'third'])
    await worker.runOnce()
    const now = new Date(Date.now() + ahead)
    await deliveriesRepository.deferBlocked(parley.db, now, [])
    const rows = () =>
      parley.db
        .select({ status: webhookDeliveries.status, nextAttemptAt: webhookDeliveries.nextAttemptAt })
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.endpointId, endpoint.id))
        .orderBy(webhookDeliveries.id)
    const [head, second, third] = await rows()
    assert.equal(head?.status, 'pending')
    for (const follower of [second, third]) {
      assert.ok((follower?.nextAttemptAt.getTime() ?? 0) > now.getTime(), 'set aside')
      assert.ok((follower?.nextAttemptAt.getTime() ?? 0) <= now.getTime() + 5_000, 'for at most 5 s')
    }
    later(6_100)
    assert.equal((await worker.runOnce()).claimed, 1)
    const [, released, waiting] = await rows()
    assert.ok((released?.nextAttemptAt.getTime() ?? Infinity) <= Date.now() + ahead, 'the next one is due')
    assert.equal(waiting?.status, 'pending')
    while ((await worker.runOnce()).claimed > 0) {}
    assert.equal(endpoint.receiver.received.length, 4)
  } finally {
    await endpoint.remove()
  }
})

test('deliveries behind one under way are left due: it is released in moments', async () => {
  const answer = Promise.withResolvers<void>()
  const endpoint = await endpointFor(() => ({ status: 200, until: answer.promise }), ['message.created'])
  const running = workerWith({ pollMs: 1_000, post: { allowLoopback: true, totalTimeoutMs: 10_000 } })
  try {
    await aConversationWithReplies(['second'])
    await running.start()
    await endpoint.receiver.waitFor(1)
    const now = new Date(Date.now() + ahead)
    await deliveriesRepository.deferBlocked(parley.db, now, [])
    const [, follower] = await deliveriesOf(endpoint.id).orderBy(webhookDeliveries.id)
    assert.ok((follower?.nextAttemptAt.getTime() ?? Infinity) <= now.getTime(), 'still due')
    answer.resolve()
    await endpoint.receiver.waitFor(2)
  } finally {
    answer.resolve()
    await running.stop()
    await endpoint.remove()
  }
})

test('stopping the worker finishes and records the attempts under way', async () => {
  const answer = Promise.withResolvers<void>()
  const endpoint = await endpointFor(() => ({ status: 200, until: answer.promise }))
  const running = workerWith({ pollMs: 20, post: { allowLoopback: true } })
  try {
    await submitForm()
    await running.start()
    await endpoint.receiver.waitFor(1)
    // The receiver answers only once the stop has begun, so the attempt is under way when it does.
    const stopping = running.stop()
    answer.resolve()
    await stopping
    const [delivery] = await deliveriesOf(endpoint.id)
    assert.equal(delivery?.status, 'succeeded')
    assert.equal(running.tally.delivered, 1)
  } finally {
    answer.resolve()
    await running.stop()
    await endpoint.remove()
  }
})

test('a receiver at its cap is not claimed for again at every write, and its backlog goes once it answers', async () => {
  const answer = Promise.withResolvers<void>()
  const endpoint = await endpointFor(() => ({ status: 200, until: answer.promise }))
  let statements = 0
  const counted = new Proxy(parley.db, {
    get(target, property, receiver) {
      if (property !== 'execute') return Reflect.get(target, property, receiver)
      return (...args: Parameters<typeof target.execute>) => {
        statements++
        return target.execute(...args)
      }
    },
  })
  const stalled = workerWith({
    database: { ...parley.database, db: counted },
    perEndpoint: 4,
    pollMs: 1_000,
    post: { allowLoopback: true, totalTimeoutMs: 10_000 },
  })
  try {
    for (let n = 0; n < 10; n++) await submitForm()
    await stalled.start()
    // Four deliveries to one endpoint at once, the most it takes; six wait behind them.
    await endpoint.receiver.waitFor(4)
    const before = statements
    for (let n = 0; n < 100; n++) {
      stalled.wake()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const claims = statements - before
    // Woken a hundred times in about half a second: without holding news back each would claim.
    assert.ok(claims <= 20, `${claims} statements for 100 wake-ups`)
    answer.resolve()
    await endpoint.receiver.waitFor(10)
    assert.equal(endpoint.receiver.received.length, 10)
  } finally {
    answer.resolve()
    await stalled.stop()
    await endpoint.remove()
  }
})

test("a stalled receiver holds its four slots and no more: another endpoint's deliveries go meanwhile", async () => {
  const answer = Promise.withResolvers<void>()
  const stalled = await endpointFor(() => ({ status: 200, until: answer.promise }))
  const running = workerWith({
    concurrency: 16,
    perEndpoint: 4,
    pollMs: 1_000,
    post: { allowLoopback: true, totalTimeoutMs: 10_000 },
  })
  let prompt: Awaited<ReturnType<typeof endpointFor>> | undefined
  try {
    // More due to the stalled receiver than the worker's sixteen slots, all before the other's one.
    for (let n = 0; n < 20; n++) await submitForm()
    prompt = await endpointFor(() => ({ status: 204 }))
    await submitForm()
    await running.start()
    await prompt.receiver.waitFor(1, 3_000)
    await stalled.receiver.waitFor(4)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(
      stalled.receiver.received.length,
      4,
      'the stalled receiver is sent no more than four at once',
    )
    answer.resolve()
    await stalled.receiver.waitFor(21)
    assert.equal(stalled.receiver.received.length, 21)
  } finally {
    answer.resolve()
    await running.stop()
    await stalled.remove()
    await prompt?.remove()
  }
})

test('a failing receiver is held to four slots, where one that answers may have sixteen', async () => {
  const answer = Promise.withResolvers<void>()
  const endpoint = await endpointFor((_, index) =>
    index === 0 ? { status: 500 } : { status: 200, until: answer.promise },
  )
  const running = workerWith({ pollMs: 1_000, post: { allowLoopback: true, totalTimeoutMs: 10_000 } })
  try {
    await submitForm()
    await worker.runOnce()
    const failing = await admin.get(`/api/webhook-endpoints/${endpoint.id}/`)
    assert.notEqual(failing.body.failing_since, null)
    for (let n = 0; n < 20; n++) await submitForm()
    await running.start()
    await endpoint.receiver.waitFor(5)
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(endpoint.receiver.received.length, 5, 'the failed one, then four at once')
    answer.resolve()
    await endpoint.receiver.waitFor(21)
    const healthy = await admin.get(`/api/webhook-endpoints/${endpoint.id}/`)
    assert.equal(healthy.body.failing_since, null, 'its successes end the run of failures')
  } finally {
    answer.resolve()
    await running.stop()
    await endpoint.remove()
  }
})
