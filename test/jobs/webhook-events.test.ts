import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { webhookEvents } from '../../src/db/schema/index.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'
import { customerMessage, loggedIn } from '../surfaces/storefront/conversations-fixtures.ts'
import { vendorLogin } from '../surfaces/vendor/fixtures.ts'

let parley: TestApp
let admin: HttpClient
let receiver: WebhookReceiver
let secret: string

before(async () => {
  parley = await startTestApp({ env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CONTACT_US_RATE_PER_MINUTE: '1000' } })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  receiver = await startWebhookReceiver()
  const created = await admin.post('/api/webhook-endpoints/', { json: { url: receiver.url, events: ['*'] } })
  secret = created.body.secret
})
after(async () => {
  await parley.close()
  await receiver.close()
})

type Event = { type: string; data: Record<string, any> }

/** Every event after `from`, verified with the receiver's library, once `count` have arrived. */
async function eventsAfter(from: number, count: number): Promise<Event[]> {
  await receiver.waitFor(from + count)
  const webhook = new Webhook(secret)
  return receiver.received
    .slice(from)
    .map((request) => webhook.verify(request.body, request.headers as never) as Event)
}

test('contacts: created by a form or by staff, viewed when first opened, replied to', async () => {
  const from = receiver.received.length
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  const made = await admin.post('/api/contacts/', {
    json: { subject: 'Phoned in', email: 'caller@example.com', message: 'About my refund' },
  })
  assert.equal(made.status, 201)
  assert.equal((await admin.get(`/api/contacts/${made.body.id}/`)).status, 200)
  assert.equal((await admin.get(`/api/contacts/${made.body.id}/`)).status, 200)
  const replied = await admin.post(`/api/contacts/${made.body.id}/replies/`, {
    json: { body: 'Refunded today.' },
  })
  assert.equal(replied.status, 201)
  const events = await eventsAfter(from, 4)
  assert.deepEqual(
    events.map((event) => event.type),
    ['contact.created', 'contact.created', 'contact.viewed', 'contact.replied'],
  )
  const [, staffMade, viewed, reply] = events
  assert.equal(staffMade?.data.contact.id, String(made.body.id))
  assert.equal(staffMade?.data.contact.source, 'staff')
  assert.equal(viewed?.data.contact.viewed, true)
  assert.match(viewed?.data.contact.viewed_at, /Z$/)
  assert.equal(reply?.data.reply.body, 'Refunded today.')
  assert.equal(reply?.data.reply.author_id, String(parley.demo.users.admin.id))
  assert.equal(reply?.data.contact.id, String(made.body.id))
  // Recorded with the opening that caused it, so read where it is written rather than waiting for a delivery.
  const viewedEvents = await parley.db
    .select()
    .from(webhookEvents)
    .where(
      and(eq(webhookEvents.type, 'contact.viewed'), eq(webhookEvents.orderingKey, `contact:${made.body.id}`)),
    )
  assert.equal(viewedEvents.length, 1, 'a second opening is no second contact.viewed')
})

test('conversations: created, message, read, archived and deleted, in order', async () => {
  const from = receiver.received.length
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice.id
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { item_content: 'product', item_id: parley.demo.products.brakes.id }),
  )
  assert.equal(created.status, 201)
  const id = created.body.id
  const seller = await vendorLogin(parley, 'seller')
  assert.equal((await seller.post(`/vendor/conversations/${id}/read`, { json: {} })).status, 200)
  const shop = withToken(parley.baseUrl, parley.demo.users.staff.token, 'Bearer')
  assert.equal((await shop.put(`/v3/conversation/${id}`, { json: { archived: true } })).status, 200)
  assert.equal(
    (await shop.delete(`/v3/conversation/${id}`, { body: { json: { deletedReason: 'spam' } } })).status,
    200,
  )
  const events = await eventsAfter(from, 5)
  assert.deepEqual(
    events.map((event) => event.type),
    [
      'conversation.created',
      'message.created',
      'message.read',
      'conversation.archived',
      'conversation.deleted',
    ],
  )
  const [opened, , read, archived, deleted] = events
  assert.equal(opened?.data.conversation.id, String(id))
  assert.equal(opened?.data.conversation.customer_id, String(aliceId))
  assert.equal(opened?.data.conversation.seller_id, String(parley.demo.sellers.bmw.id))
  assert.equal(read?.data.conversation_id, String(id))
  assert.equal(read?.data.party_type, 'seller')
  assert.equal(archived?.data.conversation.archived, true)
  assert.equal(deleted?.data.conversation.deleted, true)
  assert.equal(deleted?.data.conversation.deleted_reason, 'spam')
  for (const event of events) assert.equal(event.data.company_id, String(parley.demo.company.id))
})

test('a conversation the shop opens without a customer: customer_id null, its message and archiving', async () => {
  const from = receiver.received.length
  const shop = withToken(parley.baseUrl, parley.demo.users.staff.token, 'Bearer')
  const opened = await shop.post('/v3/conversation', { json: { customerId: null } })
  assert.equal(opened.status, 200)
  const id = opened.body.data.id
  const reply = await shop.post(`/v3/conversation/${id}/message`, { json: { text: 'Note to self' } })
  assert.equal(reply.status, 200)
  assert.equal((await shop.put(`/v3/conversation/${id}`, { json: { archived: true } })).status, 200)
  const events = await eventsAfter(from, 3)
  assert.deepEqual(
    events.map((event) => event.type),
    ['conversation.created', 'message.created', 'conversation.archived'],
  )
  const [created, message, archived] = events
  assert.equal(created?.data.conversation.id, id)
  assert.equal(created?.data.conversation.customer_id, null)
  assert.equal(created?.data.conversation.seller_id, null)
  assert.equal(message?.data.message.conversation_id, id)
  assert.equal(message?.data.message.side, 'counterparty')
  assert.equal(archived?.data.conversation.customer_id, null)
})
