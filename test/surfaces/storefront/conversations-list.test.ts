import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { assertMatchesContract } from '../../helpers/storefront-contract.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { customerMessage, loggedIn, sellerMessage } from './conversations-fixtures.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const idsOf = (body: { id: number }[]) => body.map((conversation) => conversation.id)

test('the list pages newest activity first, counts in X-Total-Count and shows the latest message only', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const created: number[] = []
  for (let index = 0; index < 5; index += 1) {
    const response = await alice.post(
      '/users/conversations/',
      customerMessage(aliceId, { subject: `#${index}` }),
    )
    created.push(response.body.id)
  }
  // A reply moves the oldest conversation to the top.
  const oldest = created[0] ?? 0
  await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { conversation: oldest, message_content: 'bump' }),
  )
  const expected = [oldest, ...created.slice(1).reverse()]

  const first = await alice.get('/users/conversations/?limit=2')
  assert.equal(first.status, 200)
  assertMatchesContract(first.body, 'Conversation', true)
  assert.equal(first.headers.get('x-total-count'), '5')
  assert.deepEqual(idsOf(first.body), expected.slice(0, 2))
  const top = first.body[0]
  assert.equal(top.message_set.length, 1)
  assert.equal(top.message_set[0].message_content, 'bump')
  assert.equal(top.last_message_date, top.message_set[0].created_date)

  const second = await alice.get('/users/conversations/?limit=2&page=2')
  assert.deepEqual(idsOf(second.body), expected.slice(2, 4))
  const third = await alice.get('/users/conversations/?limit=2&page=3')
  assert.deepEqual(idsOf(third.body), expected.slice(4))
  const beyond = await alice.get('/users/conversations/?limit=2&page=4')
  assert.deepEqual(beyond.body, [])
  assert.equal(beyond.headers.get('x-total-count'), '5')

  const all = await alice.get('/users/conversations/')
  assert.deepEqual(idsOf(all.body), expected)
})

test('limit is 20 by default and at most 100', async () => {
  const bob = await loggedIn(parley, 'bob')
  const bobId = parley.demo.users.bob?.id ?? 0
  for (let index = 0; index < 21; index += 1) await bob.post('/users/conversations/', customerMessage(bobId))
  const page = await bob.get('/users/conversations/')
  assert.equal(page.body.length, 20)
  assert.equal(page.headers.get('x-total-count'), '21')
  const tooMany = await bob.get('/users/conversations/?limit=101')
  assert.equal(tooMany.status, 400)
  assert.deepEqual(tooMany.body, { limit: ['Ensure this value is less than or equal to 100.'] })
})

test("a seller member's list holds its seller's conversations, and its own as a customer", async () => {
  const seller = await loggedIn(parley, 'seller')
  const alice = await loggedIn(parley, 'alice')
  const bmw = parley.demo.sellers.bmw.id
  const withSeller = await alice.post(
    '/users/conversations/',
    customerMessage(parley.demo.users.alice?.id ?? 0, { datasource: bmw }),
  )
  const asCustomer = await seller.post(
    '/users/conversations/',
    customerMessage(parley.demo.users.seller?.id ?? 0),
  )
  const list = await seller.get('/users/conversations/')
  assertMatchesContract(list.body, 'Conversation', true)
  assert.deepEqual(idsOf(list.body), [asCustomer.body.id, withSeller.body.id])
  await seller.post('/users/conversations/', sellerMessage(bmw, { conversation: withSeller.body.id }))
  const after = await seller.get('/users/conversations/')
  assert.deepEqual(idsOf(after.body), [withSeller.body.id, asCustomer.body.id])
  assert.equal(after.body[0].message_set[0].content_type, 'datasource')
})

test('a retrieved conversation shows its messages oldest first, paged back with before', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { message_content: 'm0' }),
  )
  for (let index = 1; index < 5; index += 1) {
    await alice.post(
      '/users/conversations/',
      customerMessage(aliceId, { conversation: created.body.id, message_content: `m${index}` }),
    )
  }
  const texts = (body: { message_set: { message_content: string }[] }) =>
    body.message_set.map((message) => message.message_content)
  const full = await alice.get(`/users/conversations/${created.body.id}/`)
  assert.deepEqual(texts(full.body), ['m0', 'm1', 'm2', 'm3', 'm4'])
  const latest = await alice.get(`/users/conversations/${created.body.id}/?message_limit=2`)
  assert.deepEqual(texts(latest.body), ['m3', 'm4'])
  const older = await alice.get(
    `/users/conversations/${created.body.id}/?message_limit=2&before=${latest.body.message_set[0].id}`,
  )
  assert.deepEqual(texts(older.body), ['m1', 'm2'])
})
