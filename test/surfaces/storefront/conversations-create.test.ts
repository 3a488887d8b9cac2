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

test('a customer opens a conversation with a datasource and gets it back as retrieve renders it', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const created = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, {
      datasource: bmw,
      subject: 'Brakes',
      conversation_type: 'question',
      is_public: true,
    }),
  )
  assert.equal(created.status, 201)
  assertMatchesContract(created.body, 'Conversation')
  assert.equal(created.body.subject, 'Brakes')
  assert.deepEqual(created.body.datasource, { id: bmw, name: 'BMW Parts Store' })
  assert.deepEqual(created.body.conversation_type, { value: 'question', label: 'Question' })
  assert.equal(created.body.is_public, true)
  assert.equal(created.body.is_answered, false)
  assert.equal(created.body.user.id, aliceId)
  assert.equal(created.body.user.first_name, 'Alice')
  const [message] = created.body.message_set
  assert.equal(created.body.message_set.length, 1)
  assert.equal(message.message_content, 'Is this part still available?')
  assert.equal(message.content_type, 'user')
  assert.equal(message.content_object.id, aliceId)
  assert.deepEqual(message.user_type, { value: 'registered', label: 'Registered' })
  assert.equal(created.body.last_message_date, message.created_date)

  const retrieved = await alice.get(`/users/conversations/${created.body.id}/`)
  assert.equal(retrieved.status, 200)
  assert.deepEqual(retrieved.body, created.body)
})

test('an item implies the seller: a product, or an order item of the customer’s own order', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const brakes = parley.demo.products.brakes.id
  const product = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { item_content: 'product', item_id: brakes }),
  )
  assert.equal(product.status, 201)
  assertMatchesContract(product.body, 'Conversation')
  assert.equal(product.body.datasource.id, parley.demo.sellers.bmw.id)
  assert.equal(product.body.item_content, 'product')
  assert.deepEqual(product.body.item_object, {
    id: brakes,
    name: 'BMW E46 brake pads',
    price: '2500.00',
    image: null,
    seller: { id: parley.demo.sellers.bmw.id, name: 'BMW Parts Store' },
  })

  const [item] = parley.demo.orders.alice.items
  const orderItem = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { item_content: 'orderitem', item_id: item?.id }),
  )
  assert.equal(orderItem.status, 201)
  assertMatchesContract(orderItem.body, 'Conversation')
  assert.equal(orderItem.body.datasource.id, parley.demo.sellers.bmw.id)
  assert.equal(orderItem.body.item_content, 'orderitem')
  assert.equal(orderItem.body.item_object.id, item?.id)
  assert.equal(orderItem.body.item_object.order, parley.demo.orders.alice.id)
  assert.equal(orderItem.body.item_object.product.id, item?.product_id)
  assert.equal(orderItem.body.item_object.status, 'new')
})

test('without a datasource or an item the conversation is with the shop', async () => {
  const alice = await loggedIn(parley, 'alice')
  const created = await alice.post('/users/conversations/', customerMessage(parley.demo.users.alice?.id ?? 0))
  assert.equal(created.status, 201)
  assertMatchesContract(created.body, 'Conversation')
  assert.equal(created.body.datasource, undefined)
  assert.equal(created.body.item_object, undefined)
  assert.deepEqual(created.body.conversation_type, { value: 'message', label: 'Message' })
})

test('a seller member opens a conversation with a customer, who sees it and replies', async () => {
  const seller = await loggedIn(parley, 'seller')
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const created = await seller.post(
    '/users/conversations/',
    sellerMessage(bmw, { user: aliceId, subject: 'Your order' }),
  )
  assert.equal(created.status, 201)
  assertMatchesContract(created.body, 'Conversation')
  assert.equal(created.body.user.id, aliceId)
  assert.equal(created.body.is_answered, true)
  const [first] = created.body.message_set
  assert.equal(first.content_type, 'datasource')
  assert.deepEqual(first.content_object, { id: bmw, name: 'BMW Parts Store' })

  const reply = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { conversation: created.body.id, message_content: 'Thanks!' }),
  )
  assert.equal(reply.status, 201)
  assertMatchesContract(reply.body, 'Conversation')
  assert.equal(reply.body.is_answered, false)
  assert.deepEqual(
    reply.body.message_set.map((message: { message_content: string }) => message.message_content),
    ['Yes, it ships tomorrow.', 'Thanks!'],
  )
  assert.equal(reply.body.last_message_date, reply.body.message_set[1].created_date)

  const answer = await seller.post(
    '/users/conversations/',
    sellerMessage(bmw, { conversation: created.body.id }),
  )
  assert.equal(answer.status, 201)
  assert.equal(answer.body.is_answered, true)
  assert.equal(answer.body.message_set.length, 3)
})

test('a datasource cannot reply to a review, but the customer can add to it', async () => {
  const alice = await loggedIn(parley, 'alice')
  const seller = await loggedIn(parley, 'seller')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const review = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { datasource: bmw, conversation_type: 'review', message_content: 'Great pads' }),
  )
  assert.equal(review.status, 201)
  const refused = await seller.post(
    '/users/conversations/',
    sellerMessage(bmw, { conversation: review.body.id }),
  )
  assert.equal(refused.status, 400)
  assert.deepEqual(refused.body, { non_field_errors: ['DataSource cannot reply to a review.'] })
  assertMatchesContract(refused.body, 'ValidationErrorResponse')
  const more = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { conversation: review.body.id }),
  )
  assert.equal(more.status, 201)
  assert.equal(more.body.message_set.length, 2)
})
