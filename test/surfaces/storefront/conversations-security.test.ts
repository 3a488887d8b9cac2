import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { count, eq } from 'drizzle-orm'
import { events, messages } from '../../../src/db/schema/index.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { customerMessage, loggedIn, otherSellerMember, sellerMessage } from './conversations-fixtures.ts'

let parley: TestApp
let conversationId: number
const notFound = { detail: 'Not found.' }

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  const alice = await loggedIn(parley, 'alice')
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(parley.demo.users.alice?.id ?? 0, { datasource: parley.demo.sellers.bmw.id }),
  )
  conversationId = created.body.id
})
after(() => parley.close())

test('anonymous requests are refused on every route', async () => {
  const anonymous = new HttpClient(parley.baseUrl)
  await anonymous.get('/users/contact-us-subjects/')
  const refusal = { detail: 'Authentication credentials were not provided.' }
  for (const response of [
    await anonymous.get('/users/conversations/'),
    await anonymous.get(`/users/conversations/${conversationId}/`),
    await anonymous.post('/users/conversations/', customerMessage(1)),
  ]) {
    assert.equal(response.status, 403)
    assert.deepEqual(response.body, refusal)
  }
})

test('a POST without the CSRF token is refused and writes nothing', async () => {
  const alice = await loggedIn(parley, 'alice')
  const before = await alice.get(`/users/conversations/${conversationId}/`)
  const refused = await alice.post(
    '/users/conversations/',
    customerMessage(parley.demo.users.alice?.id ?? 0, { conversation: conversationId }),
    { csrf: false },
  )
  assert.equal(refused.status, 403)
  assert.match(refused.body.detail, /^CSRF Failed/)
  const after = await alice.get(`/users/conversations/${conversationId}/`)
  assert.equal(after.body.message_set.length, before.body.message_set.length)
})

test('another customer gets 404 and sees nothing of it in the list', async () => {
  const bob = await loggedIn(parley, 'bob')
  const response = await bob.get(`/users/conversations/${conversationId}/`)
  assert.equal(response.status, 404)
  assert.deepEqual(response.body, notFound)
  const list = await bob.get('/users/conversations/')
  assert.equal(list.status, 200)
  assert.ok(!list.body.some((conversation: { id: number }) => conversation.id === conversationId))
})

test("another seller's member gets 404; the conversation's own seller member sees it", async () => {
  const other = await otherSellerMember(parley, 'olga')
  const response = await other.client.get(`/users/conversations/${conversationId}/`)
  assert.equal(response.status, 404)
  assert.deepEqual(response.body, notFound)
  const seller = await loggedIn(parley, 'seller')
  assert.equal((await seller.get(`/users/conversations/${conversationId}/`)).status, 200)
})

test('an id that is no conversation is 404, whatever its form', async () => {
  const alice = await loggedIn(parley, 'alice')
  for (const id of ['987654', 'abc', '1.5']) {
    const response = await alice.get(`/users/conversations/${id}/`)
    assert.equal(response.status, 404, id)
    assert.deepEqual(response.body, notFound)
  }
})

test('a soft-deleted conversation is invisible to its parties; an archived one stays', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const engine = parley.app.domain.conversations
  const staff = {
    userId: parley.demo.users.staff?.id ?? 0,
    companyId: parley.demo.company.id,
    email: 'staff@parley.test',
    isStaff: true,
    isSuperuser: false,
  }
  const archived = await alice.post('/users/conversations/', customerMessage(aliceId))
  const deleted = await alice.post('/users/conversations/', customerMessage(aliceId))
  await engine.setArchived(staff, archived.body.id, true)
  await engine.softDelete(staff, deleted.body.id, 'spam')

  assert.equal((await alice.get(`/users/conversations/${archived.body.id}/`)).status, 200)
  assert.equal((await alice.get(`/users/conversations/${deleted.body.id}/`)).status, 404)
  const list = await alice.get('/users/conversations/?limit=100')
  const ids = list.body.map((conversation: { id: number }) => conversation.id)
  assert.ok(ids.includes(archived.body.id))
  assert.ok(!ids.includes(deleted.body.id))
  assert.equal(Number(list.headers.get('x-total-count')), ids.length)
  const reply = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { conversation: deleted.body.id }),
  )
  assert.equal(reply.status, 400)
  assert.deepEqual(reply.body, { conversation: [`Invalid pk "${deleted.body.id}" - object does not exist.`] })
})

// A reply is appended by a statement that itself checks the sender may write there; a refusal must leave
// no trace of the attempt, whichever check refuses it.
test('a reply from someone who may not write there is refused and writes nothing', async () => {
  const alice = await loggedIn(parley, 'alice')
  const bob = await loggedIn(parley, 'bob')
  const seller = await loggedIn(parley, 'seller')
  const other = await otherSellerMember(parley, 'oscar')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const review = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { datasource: bmw, conversation_type: 'review' }),
  )
  const traces = async () => {
    const [written] = await parley.db.select({ n: count() }).from(messages)
    const [recorded] = await parley.db.select({ n: count() }).from(events)
    const stored = await parley.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.conversationId, conversationId))
    return { messages: written?.n, events: recorded?.n, inConversation: stored.length }
  }
  const before = await traces()
  const missing = (id: number) => ({ conversation: [`Invalid pk "${id}" - object does not exist.`] })
  const attempts: [HttpClient, { json: unknown }, unknown][] = [
    [
      alice,
      sellerMessage(bmw, { conversation: conversationId }),
      {
        content_id: ['You are not a member of this data source.'],
      },
    ],
    [other.client, sellerMessage(other.sellerId, { conversation: conversationId }), missing(conversationId)],
    [
      bob,
      customerMessage(parley.demo.users.bob?.id ?? 0, { conversation: conversationId }),
      missing(conversationId),
    ],
    [
      seller,
      customerMessage(parley.demo.users.seller?.id ?? 0, { conversation: conversationId }),
      missing(conversationId),
    ],
    [
      seller,
      sellerMessage(bmw, { conversation: review.body.id }),
      {
        non_field_errors: ['DataSource cannot reply to a review.'],
      },
    ],
  ]
  for (const [client, body, errors] of attempts) {
    const refused = await client.post('/users/conversations/', body)
    assert.equal(refused.status, 400, refused.text)
    assert.deepEqual(refused.body, errors)
  }
  assert.deepEqual(await traces(), before)
})
