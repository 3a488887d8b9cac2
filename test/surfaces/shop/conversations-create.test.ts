import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, CONVERSATION_FIELDS, customerSession, otherCompany, shop } from './shop-fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

test('POST /v3/conversation answers 200 with the seed’s envelope and data object, field by field', async () => {
  const alice = parley.demo.users.alice
  const before = Date.now()
  const response = await shop(parley).post('/v3/conversation', {
    json: {
      customerId: String(alice.id),
      archived: false,
      deleted: false,
      deletedUserId: null,
      deletedReason: null,
    },
  })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /application\/json/)
  assert.deepEqual(Object.keys(response.body).sort(), ['data', 'success'])
  assert.equal(response.body.success, true)
  const data = response.body.data
  assert.deepEqual(Object.keys(data).sort(), CONVERSATION_FIELDS)
  assert.match(data.id, /^\d+$/)
  assert.match(data.createdDate, ISO)
  assert.ok(Date.parse(data.createdDate) >= before - 1000)
  assert.match(data.updatedDate, ISO)
  assert.equal(data.locationId, String(parley.demo.location.id), 'the company’s first location by default')
  assert.equal(data.companyId, String(parley.demo.company.id))
  assert.equal(data.archived, false)
  assert.equal(data.customerId, String(alice.id))
  assert.equal(data.deleted, false)
  assert.equal(data.deletedUserId, null)
  assert.equal(data.deletedDate, null)
  assert.equal(data.deletedReason, null)
})

test('a numeric customerId is read as its string, and archived: true opens it archived', async () => {
  const response = await shop(parley).post('/v3/conversation', {
    json: { customerId: parley.demo.users.bob.id, archived: true },
  })
  assert.equal(response.status, 200)
  assert.equal(response.body.data.customerId, String(parley.demo.users.bob.id))
  assert.equal(response.body.data.archived, true)
})

test('deleted: true opens it soft-deleted by the key’s user, whatever deletedUserId says', async () => {
  const response = await shop(parley).post('/v3/conversation', {
    json: {
      customerId: String(parley.demo.users.alice.id),
      deleted: true,
      deletedUserId: String(parley.demo.users.admin.id),
      deletedReason: 'opened by mistake',
    },
  })
  assert.equal(response.status, 200)
  const data = response.body.data
  assert.equal(data.deleted, true)
  assert.equal(data.deletedUserId, String(parley.demo.users.staff.id))
  assert.match(data.deletedDate, ISO)
  assert.equal(data.deletedReason, 'opened by mistake')
  const storefront = await customerSession(parley, 'alice')
  assert.equal((await storefront.get(`/users/conversations/${data.id}/`)).status, 404)
})

test('a conversation opened here is a staff conversation in the customer’s storefront inbox', async () => {
  const opened = await shop(parley).post('/v3/conversation', {
    json: { customerId: String(parley.demo.users.bob.id) },
  })
  const storefront = await customerSession(parley, 'bob')
  const list = await storefront.get('/users/conversations/?limit=100')
  const listed = list.body.find(
    (conversation: { id: number }) => String(conversation.id) === opened.body.data.id,
  )
  assert.ok(listed, 'listed for the customer')
  assert.equal(listed.datasource, undefined, 'no seller: it is with the shop')
  assert.equal(listed.user.id, parley.demo.users.bob.id)
  const retrieved = await storefront.get(`/users/conversations/${opened.body.data.id}/`)
  assert.equal(retrieved.status, 200)
  assert.deepEqual(retrieved.body.message_set, [])
})

test('a customerId given must be a user of the key’s company: 400 with data.fields', async () => {
  const unknown = await shop(parley).post('/v3/conversation', { json: { customerId: '999999' } })
  assertShopError(unknown, 400, 'validation_error')
  assert.deepEqual(unknown.body.data.fields.customerId, ['Invalid pk "999999" - object does not exist.'])

  const notAnId = await shop(parley).post('/v3/conversation', { json: { customerId: 'cus_1' } })
  assertShopError(notAnId, 400, 'validation_error')
  assert.deepEqual(notAnId.body.data.fields.customerId, ['Invalid pk "cus_1" - object does not exist.'])

  const other = await otherCompany(parley)
  const foreign = await shop(parley).post('/v3/conversation', {
    json: { customerId: String(other.customerId) },
  })
  assertShopError(foreign, 400, 'validation_error')
  assert.ok(foreign.body.data.fields.customerId)

  const badType = await shop(parley).post('/v3/conversation', {
    json: { customerId: String(parley.demo.users.alice.id), archived: 'sometimes' },
  })
  assertShopError(badType, 400, 'validation_error')
  assert.deepEqual(badType.body.data.fields.archived, ['Must be a valid boolean.'])
})

test('locationId in the body or the query names one of the company’s locations; another’s is a 400', async () => {
  const other = await otherCompany(parley)
  const customerId = String(parley.demo.users.alice.id)
  const own = String(parley.demo.location.id)
  const inBody = await shop(parley).post('/v3/conversation', { json: { customerId, locationId: own } })
  assert.equal(inBody.body.data.locationId, own)
  const inQuery = await shop(parley).post(`/v3/conversation?locationId=${own}`, { json: { customerId } })
  assert.equal(inQuery.body.data.locationId, own)

  const foreign = await shop(parley).post('/v3/conversation', {
    json: { customerId, locationId: String(other.locationId) },
  })
  assertShopError(foreign, 400, 'validation_error')
  assert.deepEqual(foreign.body.data.fields.locationId, [
    `Invalid pk "${other.locationId}" - object does not exist.`,
  ])

  const foreignInQuery = await shop(parley).post(`/v3/conversation?locationId=${other.locationId}`, {
    json: { customerId },
  })
  assertShopError(foreignInQuery, 400, 'validation_error')
  assert.ok(foreignInQuery.body.data.fields.locationId)
})
