import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import type { HttpClient } from '../../helpers/http-client.ts'
import { openEventStream, type SseEvent } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { signedInStaff } from '../staff/staff-session.ts'
import { customerMessage, loggedIn } from '../storefront/conversations-fixtures.ts'
import { vendorLogin } from '../vendor/fixtures.ts'
import { assertShopError, CONVERSATION_FIELDS, otherCompany, shop } from './shop-fixtures.ts'

// The shop document requires no body field and its example answers `"customerId": null`: a conversation the
// shop's staff keep without a customer. The staff are then its only party, on every surface.

let parley: TestApp
let inbox: HttpClient

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  inbox = await signedInStaff(parley)
})
after(() => parley.close())

async function openWithout(body: Record<string, unknown> = {}) {
  const response = await shop(parley).post('/v3/conversation', { json: body })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  assert.equal(response.body.data.customerId, null)
  return response.body.data as Record<string, string | boolean | null> & { id: string }
}

const idsOf = (list: { id: number | string }[]) => list.map((item) => String(item.id))

test('no customerId, null or "" opens a conversation without a customer, in the seed’s data object', async () => {
  const response = await shop(parley).post('/v3/conversation', { json: {} })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  assert.equal(response.body.success, true)
  const data = response.body.data
  assert.deepEqual(Object.keys(data).sort(), CONVERSATION_FIELDS)
  assert.equal(data.customerId, null)
  assert.equal(data.companyId, String(parley.demo.company.id))
  assert.equal(data.locationId, String(parley.demo.location.id))
  assert.equal(data.archived, false)
  assert.equal(data.deleted, false)

  for (const customerId of [null, '', '  ']) {
    const opened = await openWithout({ customerId, archived: true })
    assert.equal(opened.archived, true)
  }
  const read = await shop(parley).get(`/v3/conversation/${data.id}`)
  assert.equal(read.status, 200)
  assert.deepEqual(read.body.data, data)
})

test('a customerId named stays checked: unknown, not an id or another company’s is a 400', async () => {
  const other = await otherCompany(parley)
  for (const customerId of ['999999', 'cus_1', String(other.customerId), 0]) {
    const refused = await shop(parley).post('/v3/conversation', { json: { customerId } })
    assertShopError(refused, 400, 'validation_error')
    assert.ok(refused.body.data.fields.customerId, JSON.stringify(refused.body))
  }
})

test('the staff write in it and read it back on the shop surface; lists hold it unless filtered by customer', async () => {
  const opened = await openWithout()
  const id = opened.id
  const first = await shop(parley).post(`/v3/conversation/${id}/message`, {
    json: { text: 'Restock BMW pads' },
  })
  assert.equal(first.status, 200, JSON.stringify(first.body))
  assert.equal(first.body.data.fromCustomer, false)
  assert.equal(first.body.data.userId, String(parley.demo.users.staff.id))
  const second = await shop(parley).post(`/v3/conversation/${id}/message`, { json: { message: 'Done.' } })
  assert.equal(second.status, 200)
  const blank = await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text: ' ' } })
  assertShopError(blank, 400, 'validation_error')

  const messages = await shop(parley).get(`/v3/conversation/${id}/message`)
  assert.equal(messages.status, 200)
  assert.deepEqual(
    messages.body.data.map((message: { text: string }) => message.text),
    ['Restock BMW pads', 'Done.'],
  )
  assert.equal(messages.body.meta.total, 2)

  const all = await shop(parley).get('/v3/conversation?limit=100')
  const listed = all.body.data.find((conversation: { id: string }) => conversation.id === id)
  assert.equal(listed?.customerId, null)
  assert.ok(Date.parse(listed.updatedDate) >= Date.parse(opened.updatedDate as string))
  const aliceId = parley.demo.users.alice.id
  const customers = await shop(parley).get(`/v3/conversation?limit=100&customerId=${aliceId}`)
  assert.equal(customers.status, 200)
  assert.ok(!idsOf(customers.body.data).includes(String(id)), 'a customer’s filter leaves it out')
  assert.ok(customers.body.data.every((one: { customerId: string }) => one.customerId === String(aliceId)))

  const archived = await shop(parley).put(`/v3/conversation/${id}`, { json: { archived: true } })
  assert.equal(archived.body.data.archived, true)
  assert.equal(archived.body.data.customerId, null)
  const deleted = await shop(parley).delete(`/v3/conversation/${id}?deletedReason=done`)
  assert.equal(deleted.status, 200)
  assert.equal(deleted.body.data.customerId, null)
  assert.equal(deleted.body.data.deleted, true)
})

test('the staff inbox lists and opens it with no customer, and replies, notes and reads work', async () => {
  const { id } = await openWithout()
  await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text: 'Internal follow-up' } })
  const list = await inbox.get('/api/conversations/?page_size=100')
  assert.equal(list.status, 200)
  const item = list.body.results.find((one: { id: number }) => String(one.id) === id)
  assert.ok(item, 'listed in the staff inbox')
  assert.equal(item.customer, null)
  assert.equal(item.counterparty, 'shop')
  assert.equal(item.seller, null)
  assert.equal(item.unread_count, 0, 'no customer wrote anything unread')
  assert.equal(item.last_message.sender_role, 'staff')

  const reply = await inbox.post(`/api/conversations/${id}/messages/`, { json: { text: 'Ordered.' } })
  assert.equal(reply.status, 201, JSON.stringify(reply.body))
  const note = await inbox.post(`/api/conversations/${id}/notes/`, { json: { body: 'Ask the supplier' } })
  assert.equal(note.status, 201)
  assert.equal((await inbox.post(`/api/conversations/${id}/read/`, { json: {} })).status, 204)
  const thread = await inbox.get(`/api/conversations/${id}/`)
  assert.equal(thread.status, 200)
  assert.equal(thread.body.customer, null)
  assert.deepEqual(
    thread.body.messages.map((message: { text: string; sender: { role: string } }) => [
      message.text,
      message.sender.role,
    ]),
    [
      ['Internal follow-up', 'staff'],
      ['Ordered.', 'staff'],
    ],
  )
  assert.deepEqual(
    thread.body.notes.map((one: { body: string }) => one.body),
    ['Ask the supplier'],
  )
})

test('no storefront user or vendor sees it, reads it or writes in it', async () => {
  const { id } = await openWithout()
  await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text: 'Staff only' } })
  for (const name of ['alice', 'bob', 'seller', 'staff'] as const) {
    const storefront = await loggedIn(parley, name)
    const list = await storefront.get('/users/conversations/?limit=100')
    assert.equal(list.status, 200)
    assert.ok(!idsOf(list.body).includes(id), `${name}'s storefront list`)
    assert.equal((await storefront.get(`/users/conversations/${id}/`)).status, 404, `${name} reads`)
    const user = parley.demo.users[name]
    const written = await storefront.post(
      '/users/conversations/',
      customerMessage(user.id, { conversation: Number(id), message_content: 'Let me in' }),
    )
    assert.equal(written.status, 400, `${name} writes`)
    assert.ok(written.body.conversation, JSON.stringify(written.body))

    const vendor = await vendorLogin(parley, name)
    const dialogs = await vendor.get('/vendor/conversations?limit=100')
    assert.equal(dialogs.status, 200)
    assert.ok(!idsOf(dialogs.body.data).includes(id), `${name}'s vendor list`)
    assert.equal((await vendor.get(`/vendor/conversations/${id}`)).status, 404)
    assert.equal((await vendor.get(`/vendor/conversations/${id}/messages`)).status, 404)
    const posted = await vendor.post(`/vendor/conversations/${id}/messages`, { json: { text: 'Hi' } })
    assert.equal(posted.status, 404, `${name} writes on the vendor surface`)
  }
  const messages = await shop(parley).get(`/v3/conversation/${id}/message`)
  assert.equal(messages.body.meta.total, 1, 'nothing was written by anyone else')
})

test('its messages stream to the staff, once each, and to no customer’s or seller’s stream', async () => {
  const staffStream = await openEventStream(`${parley.baseUrl}/api/events`, inbox.cookieHeader())
  const alice = await loggedIn(parley, 'alice')
  const aliceStream = await openEventStream(`${parley.baseUrl}/users/events`, alice.cookieHeader())
  const seller = await vendorLogin(parley, 'seller')
  const sellerStream = await openEventStream(`${parley.baseUrl}/vendor/events`, seller.cookieHeader())
  const { id } = await openWithout()
  const message = await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text: 'Stock count' } })
  await shop(parley).put(`/v3/conversation/${id}`, { json: { archived: true } })

  const ofConversation = (type: string) => (event: SseEvent) =>
    event.data.type === type && String(event.data.data.conversation_id) === id
  const deadline = Date.now() + 10_000
  while (staffStream.events.filter(ofConversation('conversation.updated')).length < 2) {
    assert.ok(Date.now() < deadline, `no updates; got ${JSON.stringify(staffStream.events)}`)
    await staffStream.next(staffStream.events.length + 1).catch(() => undefined)
  }
  const created = staffStream.events.filter(ofConversation('message.created'))
  assert.equal(created.length, 1, 'the message, once')
  assert.equal(String(created[0]?.data.data.message.id), message.body.data.id)
  assert.equal(created[0]?.data.data.message.text, 'Stock count')
  const archived = staffStream.events.filter(ofConversation('conversation.updated')).at(-1)
  assert.equal(archived?.data.data.archived, true)

  // A message the customer writes elsewhere afterwards reaches alice's stream: hers was open all along.
  const mine = await alice.post('/users/conversations/', customerMessage(parley.demo.users.alice.id))
  assert.equal(mine.status, 201)
  await aliceStream.next(1)
  for (const stream of [staffStream, aliceStream, sellerStream]) await stream.close()
  assert.ok(!aliceStream.events.some((event) => String(event.data.data?.conversation_id) === id))
  assert.ok(!sellerStream.events.some((event) => String(event.data.data?.conversation_id) === id))
})

test('property: whatever names no customer opens one without, and only a named customer sees it', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = String(parley.demo.users.alice.id)
  const noCustomer = fc.oneof(
    fc.constant({}),
    fc.constant({ customerId: null }),
    fc.stringMatching(/^[ \t\n]{0,4}$/).map((blank) => ({ customerId: blank })),
  )
  const customer = fc.constantFrom({ customerId: aliceId }, { customerId: Number(aliceId) })
  const body = fc.record({
    who: fc.oneof(noCustomer, customer),
    archived: fc.option(fc.boolean(), { nil: undefined }),
    replies: fc.array(
      fc.string({ minLength: 1, maxLength: 30 }).filter((text) => text.trim() !== ''),
      {
        maxLength: 3,
      },
    ),
  })
  await fc.assert(
    fc.asyncProperty(body, async ({ who, archived, replies }) => {
      const json = { ...who, ...(archived === undefined ? {} : { archived }) }
      const opened = await shop(parley).post('/v3/conversation', { json })
      assert.equal(opened.status, 200, JSON.stringify(opened.body))
      const { id, customerId } = opened.body.data
      const named = 'customerId' in who && String(who.customerId).trim() !== '' && who.customerId !== null
      assert.equal(customerId, named ? aliceId : null)
      for (const text of replies) {
        const reply = await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text } })
        assert.equal(reply.status, 200, JSON.stringify(reply.body))
      }
      const read = await shop(parley).get(`/v3/conversation/${id}/message?limit=100`)
      assert.equal(read.body.meta.total, replies.length)
      const seen = await alice.get(`/users/conversations/${id}/`)
      assert.equal(seen.status, named ? 200 : 404)
      const staffView = await inbox.get(`/api/conversations/${id}/`)
      assert.equal(staffView.body.customer?.id ?? null, named ? Number(aliceId) : null)
    }),
    { numRuns: Number(process.env.PARLEY_FUZZ_RUNS ?? 15), seed: Number(process.env.PARLEY_FUZZ_SEED ?? 24) },
  )
})
