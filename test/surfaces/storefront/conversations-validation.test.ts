import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { HttpClient } from '../../helpers/http-client.ts'
import { assertMatchesContract } from '../../helpers/storefront-contract.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { customerMessage, loggedIn, sellerMessage } from './conversations-fixtures.ts'

let parley: TestApp
let alice: HttpClient
let seller: HttpClient
let aliceId: number
const required = ['This field is required.']
const missing = (pk: unknown) => [`Invalid pk "${pk}" - object does not exist.`]

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  alice = await loggedIn(parley, 'alice')
  seller = await loggedIn(parley, 'seller')
  aliceId = parley.demo.users.alice?.id ?? 0
})
after(() => parley.close())

const expect400 = async (client: HttpClient, body: { json: unknown }, errors: Record<string, string[]>) => {
  const response = await client.post('/users/conversations/', body)
  assert.equal(response.status, 400, response.text)
  assert.deepEqual(response.body, errors)
  assertMatchesContract(response.body, 'ValidationErrorResponse')
}

test('every required field is reported at once', async () => {
  await expect400(
    alice,
    { json: {} },
    {
      message_content: required,
      user_type: required,
      content_id: required,
      content_type: required,
    },
  )
})

test('types, enums and limits are reported at once, in DRF words', async () => {
  await expect400(
    alice,
    customerMessage(aliceId, {
      message_content: 'x'.repeat(501),
      user_type: 'robot',
      content_type: 'company',
      content_id: 0,
      subject: 's'.repeat(501),
      item_content: 'car',
      conversation_type: 'chat',
      is_public: 'maybe',
      datasource: 'abc',
    }),
    {
      message_content: ['Ensure this field has no more than 500 characters.'],
      user_type: ['"robot" is not a valid choice.'],
      content_type: ['"company" is not a valid choice.'],
      content_id: ['Ensure this value is greater than or equal to 1.'],
      subject: ['Ensure this field has no more than 500 characters.'],
      item_content: ['"car" is not a valid choice.'],
      conversation_type: ['"chat" is not a valid choice.'],
      is_public: ['Must be a valid boolean.'],
      datasource: ['A valid integer is required.'],
    },
  )
})

test('a blank message is refused', async () => {
  await expect400(alice, customerMessage(aliceId, { message_content: '   ' }), {
    message_content: ['This field may not be blank.'],
  })
})

test('the sender must be the authenticated user, reported with the schema’s own problems', async () => {
  const bobId = parley.demo.users.bob?.id ?? 0
  await expect400(alice, customerMessage(bobId, { subject: 's'.repeat(501) }), {
    subject: ['Ensure this field has no more than 500 characters.'],
    content_id: ['Users must match the authenticated user.'],
  })
  await expect400(alice, customerMessage(aliceId, { user: bobId }), {
    user: ['Users must match the authenticated user.'],
  })
})

test('a datasource sender must be one the user is a member of', async () => {
  await expect400(alice, sellerMessage(parley.demo.sellers.bmw.id, { user: aliceId }), {
    content_id: ['You are not a member of this data source.'],
  })
})

test('a datasource starting a conversation names an existing customer', async () => {
  const bmw = parley.demo.sellers.bmw.id
  await expect400(seller, sellerMessage(bmw), { user: required })
  await expect400(seller, sellerMessage(bmw, { user: 987654 }), { user: missing(987654) })
})

test('unknown datasources and items do not exist; another customer’s order item neither', async () => {
  const [bobItem] = parley.demo.orders.bob.items
  await expect400(alice, customerMessage(aliceId, { datasource: 987654 }), { datasource: missing(987654) })
  await expect400(alice, customerMessage(aliceId, { item_content: 'product', item_id: 987654 }), {
    item_id: missing(987654),
  })
  await expect400(alice, customerMessage(aliceId, { item_content: 'orderitem', item_id: bobItem?.id }), {
    item_id: missing(bobItem?.id),
  })
})

test('an item needs both its kind and its id', async () => {
  await expect400(alice, customerMessage(aliceId, { item_id: parley.demo.products.brakes.id }), {
    item_content: required,
  })
  await expect400(alice, customerMessage(aliceId, { item_content: 'product' }), { item_id: required })
})

test('a member cannot open a conversation with its own datasource as a customer', async () => {
  const sellerUserId = parley.demo.users.seller?.id ?? 0
  await expect400(seller, customerMessage(sellerUserId, { datasource: parley.demo.sellers.bmw.id }), {
    datasource: ['You cannot start a conversation with a data source you are a member of.'],
  })
})

test('replying to a conversation the sender takes no part in, or to none, names the conversation', async () => {
  const bob = await loggedIn(parley, 'bob')
  const bobId = parley.demo.users.bob?.id ?? 0
  const own = await bob.post('/users/conversations/', customerMessage(bobId))
  assert.equal(own.status, 201)
  await expect400(alice, customerMessage(aliceId, { conversation: own.body.id }), {
    conversation: missing(own.body.id),
  })
  await expect400(alice, customerMessage(aliceId, { conversation: 987654 }), {
    conversation: missing(987654),
  })
  await expect400(seller, sellerMessage(parley.demo.sellers.bmw.id, { conversation: own.body.id }), {
    conversation: missing(own.body.id),
  })
})
