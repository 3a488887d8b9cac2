import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { count, eq, gt, sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { webhookAttempts, webhookDeliveries } from '../../src/db/schema/index.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../helpers/http-client.ts'
import { scrape } from '../helpers/metrics.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../helpers/webhook-receiver.ts'
import { otherCompany } from '../surfaces/staff/other-company.ts'
import { customerMessage, loggedIn } from '../surfaces/storefront/conversations-fixtures.ts'
import { vendorLogin } from '../surfaces/vendor/fixtures.ts'

const METRICS_TOKEN = 'webhook-metrics-token'
let parley: TestApp
let admin: HttpClient
let receiver: WebhookReceiver
let secret: string

before(async () => {
  parley = await startTestApp({
    env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CONTACT_US_RATE_PER_MINUTE: '1000', METRICS_TOKEN: METRICS_TOKEN },
  })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  receiver = await startWebhookReceiver()
  const created = await admin.post('/api/webhook-endpoints/', {
    json: { url: receiver.url, events: ['contact.created', 'message.created'] },
  })
  assert.equal(created.status, 201)
  secret = created.body.secret
})
after(async () => {
  await parley.close()
  await receiver.close()
})

/** The receiver's requests after `from`, verified as a receiver's Standard Webhooks library verifies them. */
function verified(from: number, key = secret) {
  return receiver.received.slice(from).map((request: ReceivedWebhook) => {
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    }
    const payload = new Webhook(key).verify(request.body, headers) as {
      type: string
      timestamp: string
      data: Record<string, any>
    }
    return { ...payload, id: headers['webhook-id'] }
  })
}

test('a contact-us form is delivered as a signed contact.created', async () => {
  const before = receiver.received.length
  const browser = await guestBrowser(parley)
  const form = validForm(parley, { message: 'Where is my order?' })
  assert.equal((await browser.post('/users/contact-us/', { json: form })).status, 200)
  await receiver.waitFor(before + 1)
  const [event] = verified(before)
  assert.equal(event?.type, 'contact.created')
  assert.match(event?.id ?? '', /^msg_[0-9a-f]{32}$/)
  assert.ok(Date.now() - Date.parse(event?.timestamp ?? '') < 60_000)
  const { contact, company_id } = event?.data ?? {}
  assert.equal(company_id, String(parley.demo.company.id))
  assert.equal(typeof contact.id, 'string')
  assert.equal(contact.email, form.email)
  assert.equal(contact.message, 'Where is my order?')
  assert.equal(contact.first_name, 'Grace')
  assert.equal(contact.subject_id, String(parley.demo.subjects.general.id))
  assert.match(contact.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  const request = receiver.received[before]
  assert.equal(request?.headers['content-type'], 'application/json')
  assert.match(String(request?.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+={0,2}$/)
  // A signature made with another secret is refused by the receiver's library.
  assert.throws(() => verified(before, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), {
    name: 'WebhookVerificationError',
    message: 'No matching signature found',
  })
})

test('messages are delivered as message.created with their conversation, sender and ids as strings', async () => {
  const before = receiver.received.length
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice.id
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { item_content: 'product', item_id: parley.demo.products.brakes.id }),
  )
  assert.equal(created.status, 201)
  const seller = await vendorLogin(parley, 'seller')
  const reply = await seller.post(`/vendor/conversations/${created.body.id}/messages`, {
    json: { text: 'Two sets left.' },
  })
  assert.ok(reply.status < 300, JSON.stringify(reply.body))
  await receiver.waitFor(before + 2)
  const events = verified(before)
  assert.deepEqual(
    events.map((event) => event.type),
    ['message.created', 'message.created'],
  )
  const [first, second] = events.map((event) => event.data.message)
  assert.equal(first.conversation_id, String(created.body.id))
  assert.equal(first.text, 'Is this part still available?')
  assert.equal(second.text, 'Two sets left.')
  assert.deepEqual(first.sender, { user_id: String(aliceId), seller_id: null })
  assert.equal(first.side, 'customer')
  assert.equal(second.side, 'counterparty')
  assert.equal(second.sender.seller_id, String(parley.demo.sellers.bmw.id))
  assert.ok(Number(first.id) < Number(second.id))
  assert.notEqual(events[0]?.id, events[1]?.id)
  const everything = receiver.received.map((request) => request.body).join('\n')
  assert.doesNotMatch(everything, /password|token|whsec_/i)
})

test('deliveries finishing together are each recorded once, as the one attempt that succeeded', async () => {
  const [last] = await parley.db
    .select({ id: sql<number>`coalesce(max(${webhookDeliveries.id}), 0)` })
    .from(webhookDeliveries)
  const since = Number(last?.id ?? 0)
  const before = receiver.received.length
  const browser = await guestBrowser(parley)
  const forms = Array.from({ length: 12 }, (_, n) => validForm(parley, { message: `Form ${n}` }))
  const answers = await Promise.all(forms.map((form) => browser.post('/users/contact-us/', { json: form })))
  assert.deepEqual(
    answers.map((answer) => answer.status),
    forms.map(() => 200),
  )
  await receiver.waitFor(before + forms.length)
  // Attempts are recorded once the receiver has answered: wait for the records, not only the requests.
  const recorded = async () =>
    parley.db
      .select({ status: webhookDeliveries.status, attempts: count(webhookAttempts.id) })
      .from(webhookDeliveries)
      .leftJoin(webhookAttempts, eq(webhookAttempts.deliveryId, webhookDeliveries.id))
      .where(gt(webhookDeliveries.id, since))
      .groupBy(webhookDeliveries.id)
  let rows = await recorded()
  for (let tries = 0; tries < 100 && rows.some((row) => row.status === 'pending'); tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    rows = await recorded()
  }
  assert.deepEqual(
    rows.map((row) => [row.status, Number(row.attempts)]),
    forms.map(() => ['succeeded', 1]),
  )
})

test('another company’s endpoint never receives this company’s events', async () => {
  const other = await otherCompany(parley)
  const otherReceiver = await startWebhookReceiver()
  try {
    const otherAdmin = await parley.app.domain.accounts.createUser({
      companyId: other.companyId,
      email: 'hooks-admin@other.test',
      isSuperuser: true,
    })
    const client = withToken(parley.baseUrl, await parley.app.domain.accounts.createApiKey(otherAdmin.id))
    const made = await client.post('/api/webhook-endpoints/', {
      json: { url: otherReceiver.url, events: ['*'] },
    })
    assert.equal(made.status, 201)
    const before = receiver.received.length
    const browser = await guestBrowser(parley)
    assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
    await receiver.waitFor(before + 1)
    // Give the other endpoint's worker every chance to (wrongly) deliver.
    await parley.app.webhooks.runOnce()
    assert.equal(otherReceiver.received.length, 0)
  } finally {
    await otherReceiver.close()
  }
})

test('a receiver that has not answered does not hold back contact-us forms', {
  timeout: 60_000,
}, async () => {
  const answer = Promise.withResolvers<void>()
  const slow = await startWebhookReceiver(() => ({ status: 200, until: answer.promise }))
  try {
    const made = await admin.post('/api/webhook-endpoints/', { json: { url: slow.url, events: ['*'] } })
    assert.equal(made.status, 201)
    const browser = await guestBrowser(parley)
    assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
    // Its delivery now waits on the receiver, which answers nothing until the forms below are answered.
    await slow.waitFor(1)
    for (let i = 0; i < 4; i++) {
      assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
    }
    answer.resolve()
    await admin.delete(`/api/webhook-endpoints/${made.body.id}/`)
  } finally {
    answer.resolve()
    await slow.close()
  }
})

test('/metrics counts this instance’s attempts by outcome and what waits', async () => {
  const before = (await scrape(`${parley.baseUrl}/metrics`, METRICS_TOKEN)).value(
    'parley_webhook_attempts_total',
    {
      outcome: 'delivered',
    },
  )
  const from = receiver.received.length
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  await receiver.waitFor(from + 1)
  // Delivered before it is counted: scrape until the count moves, or fail after a deadline no load reaches.
  const deadline = Date.now() + 30_000
  let scraped = await scrape(`${parley.baseUrl}/metrics`, METRICS_TOKEN)
  while (scraped.value('parley_webhook_attempts_total', { outcome: 'delivered' }) === before) {
    assert.ok(Date.now() < deadline, 'the delivered attempt was never counted')
    await new Promise((resolve) => setTimeout(resolve, 20))
    scraped = await scrape(`${parley.baseUrl}/metrics`, METRICS_TOKEN)
  }
  // At least this one: an attempt of an earlier test may still be finishing.
  assert.ok(
    (scraped.value('parley_webhook_attempts_total', { outcome: 'delivered' }) ?? 0) >= (before ?? 0) + 1,
  )
  assert.equal(typeof scraped.value('parley_webhook_deliveries_pending'), 'number')
  assert.equal(typeof scraped.value('parley_webhook_oldest_pending_age_seconds'), 'number')
})
