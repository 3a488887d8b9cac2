import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, openConversation, otherCompany, shop } from './shop-fixtures.ts'

let parley: TestApp
let other: Awaited<ReturnType<typeof otherCompany>>

before(async () => {
  parley = await startTestApp()
  other = await otherCompany(parley)
})
after(() => parley.close())

/** Every /v3 route that names a conversation, as a client of the other company would call it. */
const routesOn = (id: string) =>
  [
    ['GET', `/v3/conversation/${id}`, undefined],
    ['PUT', `/v3/conversation/${id}`, { json: { archived: true } }],
    ['DELETE', `/v3/conversation/${id}`, { json: { deletedReason: 'not yours' } }],
    ['GET', `/v3/conversation/${id}/message`, undefined],
    ['POST', `/v3/conversation/${id}/message`, { json: { text: 'not yours' } }],
  ] as const

test('a key of another company gets 404 on every route for this company’s conversation, which stays as it was', async () => {
  const opened = await openConversation(parley)
  for (const [method, path, body] of routesOn(opened.id as string)) {
    const response = await other.client.request(method, path, { body })
    assertShopError(response, 404, 'not_found')
    assert.equal(response.body.message, 'Not found.', `${method} ${path} says no more than not found`)
  }
  const after = await shop(parley).get(`/v3/conversation/${opened.id}`)
  assert.deepEqual(after.body.data, opened, 'not archived, not deleted')
  const messages = await shop(parley).get(`/v3/conversation/${opened.id}/message`)
  assert.equal(messages.body.meta.total, 0, 'no message was added')
})

test('the other company’s deleted and archived conversations are 404 here too', async () => {
  const theirs = await other.client.post('/v3/conversation', {
    json: { customerId: String(other.customerId), archived: true },
  })
  assert.equal(theirs.status, 200)
  assert.equal(theirs.body.data.companyId, String(other.companyId))
  assert.equal(theirs.body.data.locationId, String(other.locationId), 'their own first location')
  for (const [method, path, body] of routesOn(theirs.body.data.id)) {
    assertShopError(await shop(parley).request(method, path, { body }), 404, 'not_found')
  }
  const deleted = await other.client.post('/v3/conversation', {
    json: { customerId: String(other.customerId), deleted: true },
  })
  assertShopError(await shop(parley).get(`/v3/conversation/${deleted.body.data.id}`), 404, 'not_found')
})

test('the list and create are scoped: no foreign rows listed, no foreign customer or location accepted', async () => {
  await openConversation(parley)
  const listed = await other.client.get('/v3/conversation?deleted=false')
  assert.ok(listed.body.data.length > 0, 'the other company lists its own')
  assert.ok(listed.body.data.every((c: { companyId: string }) => c.companyId === String(other.companyId)))
  const deleted = await other.client.get('/v3/conversation?deleted=true')
  assert.ok(deleted.body.data.length > 0)
  assert.ok(deleted.body.data.every((c: { companyId: string }) => c.companyId === String(other.companyId)))
  const filtered = await other.client.get(`/v3/conversation?customerId=${parley.demo.users.alice.id}`)
  assert.deepEqual(filtered.body.data, [])

  const foreignCustomer = await other.client.post('/v3/conversation', {
    json: { customerId: String(parley.demo.users.alice.id) },
  })
  assertShopError(foreignCustomer, 400, 'validation_error')
  assert.ok(foreignCustomer.body.data.fields.customerId)
  const foreignLocation = await other.client.post('/v3/conversation', {
    json: { customerId: String(other.customerId), locationId: String(parley.demo.location.id) },
  })
  assertShopError(foreignLocation, 400, 'validation_error')
  assert.ok(foreignLocation.body.data.fields.locationId)
})
