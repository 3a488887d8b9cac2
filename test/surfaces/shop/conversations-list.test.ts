import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, openConversation, otherCompany, shop } from './shop-fixtures.ts'

let parley: TestApp
/** Bob's conversations, oldest first: a live one, an archived one, a deleted one. */
let live: Record<string, unknown>
let archived: Record<string, unknown>
let deleted: Record<string, unknown>

before(async () => {
  parley = await startTestApp()
  live = await openConversation(parley, 'bob')
  archived = await openConversation(parley, 'bob', { archived: true })
  deleted = await openConversation(parley, 'bob', { deleted: true, deletedReason: 'spam' })
  for (let i = 0; i < 3; i++) await openConversation(parley, 'alice')
})
after(() => parley.close())

const idsOf = (body: { data: { id: string }[] }) => body.data.map((conversation) => conversation.id)

test('the list is the envelope with data and meta {total, limit, skip}, newest first, not deleted', async () => {
  const response = await shop(parley).get('/v3/conversation')
  assert.equal(response.status, 200)
  assert.deepEqual(Object.keys(response.body).sort(), ['data', 'meta', 'success'])
  assert.equal(response.body.success, true)
  assert.deepEqual(response.body.meta, { total: 5, limit: 20, skip: 0 })
  assert.equal(response.body.data.length, 5)
  assert.ok(!idsOf(response.body).includes(deleted.id as string))
  const ids = idsOf(response.body).map(Number)
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => b - a),
    'newest first',
  )
  for (const conversation of response.body.data) {
    assert.equal(typeof conversation.id, 'string')
    assert.equal(typeof conversation.customerId, 'string')
    assert.equal(typeof conversation.companyId, 'string')
  }
})

test('limit and skip page through the matches, the total staying the same', async () => {
  const first = await shop(parley).get('/v3/conversation?limit=2')
  const second = await shop(parley).get('/v3/conversation?limit=2&skip=2')
  const last = await shop(parley).get('/v3/conversation?limit=2&skip=4')
  assert.deepEqual(first.body.meta, { total: 5, limit: 2, skip: 0 })
  assert.deepEqual(second.body.meta, { total: 5, limit: 2, skip: 2 })
  assert.equal(last.body.data.length, 1)
  const all = [...idsOf(first.body), ...idsOf(second.body), ...idsOf(last.body)]
  assert.equal(new Set(all).size, 5)
})

test('filters: customerId, archived, deleted and locationId', async () => {
  const bob = String(parley.demo.users.bob.id)
  const ofBob = await shop(parley).get(`/v3/conversation?customerId=${bob}`)
  assert.deepEqual(idsOf(ofBob.body), [archived.id, live.id])
  assert.equal(ofBob.body.meta.total, 2)

  const archivedOnly = await shop(parley).get(`/v3/conversation?customerId=${bob}&archived=true`)
  assert.deepEqual(idsOf(archivedOnly.body), [archived.id])
  const unarchived = await shop(parley).get(`/v3/conversation?customerId=${bob}&archived=false`)
  assert.deepEqual(idsOf(unarchived.body), [live.id])

  const deletedOnly = await shop(parley).get('/v3/conversation?deleted=true')
  assert.deepEqual(idsOf(deletedOnly.body), [deleted.id])
  assert.equal(deletedOnly.body.data[0].deletedReason, 'spam')

  const here = await shop(parley).get(`/v3/conversation?locationId=${parley.demo.location.id}`)
  assert.equal(here.body.meta.total, 5)
})

test('bad filters are a 400 with data.fields; another company’s location is refused, not an empty page', async () => {
  const badPaging = await shop(parley).get('/v3/conversation?limit=0&skip=-1')
  assertShopError(badPaging, 400, 'validation_error')
  assert.ok(badPaging.body.data.fields.limit)
  assert.ok(badPaging.body.data.fields.skip)

  const badBoolean = await shop(parley).get('/v3/conversation?archived=maybe')
  assertShopError(badBoolean, 400, 'validation_error')
  assert.ok(badBoolean.body.data.fields.archived)

  const other = await otherCompany(parley)
  const foreign = await shop(parley).get(`/v3/conversation?locationId=${other.locationId}`)
  assertShopError(foreign, 400, 'validation_error')
  assert.deepEqual(foreign.body.data.fields.locationId, [
    `Invalid pk "${other.locationId}" - object does not exist.`,
  ])
})

test('another company’s staff lists none of these conversations', async () => {
  const other = await otherCompany(parley)
  const response = await other.client.get('/v3/conversation')
  assert.equal(response.status, 200)
  assert.deepEqual(response.body.data, [])
  assert.equal(response.body.meta.total, 0)
})
