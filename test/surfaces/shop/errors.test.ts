import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, openConversation, shop } from './shop-fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

test('400: malformed JSON and invalid fields, each in the envelope', async () => {
  const malformed = await shop(parley).post('/v3/conversation', {
    raw: '{"customerId": ',
    contentType: 'application/json',
  })
  assertShopError(malformed, 400, 'bad_request')
  assert.equal(malformed.body.data, null)

  const invalid = await shop(parley).post('/v3/conversation', {
    json: {
      customerId: String(parley.demo.users.alice.id),
      deleted: 'no idea',
      deletedReason: 'x'.repeat(1001),
    },
  })
  assertShopError(invalid, 400, 'validation_error')
  assert.deepEqual(Object.keys(invalid.body.data.fields).sort(), ['deleted', 'deletedReason'])
  assert.match(invalid.body.message, /deleted/)
})

test('401: no key, another scheme, an unknown key, on reads and writes alike', async () => {
  const anonymous = new HttpClient(parley.baseUrl)
  assertShopError(await anonymous.post('/v3/conversation', { json: {} }), 401, 'unauthorized')
  const tokenScheme = withToken(parley.baseUrl, parley.demo.users.staff.token, 'Token')
  assertShopError(await tokenScheme.get('/v3/conversation'), 401, 'unauthorized')
  const unknown = withToken(parley.baseUrl, 'prl_unknown', 'Bearer')
  assertShopError(await unknown.delete('/v3/conversation/1'), 401, 'unauthorized')
})

test('403: a customer’s key, on every kind of route', async () => {
  const opened = await openConversation(parley)
  const customer = shop(parley, 'alice')
  assertShopError(await customer.get('/v3/conversation'), 403, 'forbidden')
  assertShopError(await customer.get(`/v3/conversation/${opened.id}`), 403, 'forbidden')
  assertShopError(await customer.post('/v3/conversation', { json: {} }), 403, 'forbidden')
  assertShopError(
    await customer.post(`/v3/conversation/${opened.id}/message`, { json: { text: 'hi' } }),
    403,
    'forbidden',
  )
})

test('an admin’s key works like a staff key', async () => {
  const response = await shop(parley, 'admin').get('/v3/conversation')
  assert.equal(response.status, 200)
  assert.equal(response.body.success, true)
})

test('404: an unknown route under /v3; 405 with Allow: a known route with another method (issue 24)', async () => {
  assertShopError(await shop(parley).get('/v3/conversations'), 404, 'not_found')
  const response = await shop(parley).patch('/v3/conversation', { json: {} })
  assertShopError(response, 405, 'method_not_allowed')
  assert.equal(response.headers.get('allow'), 'GET, HEAD, POST')
})

/** BODY_LIMIT's default as the README documents it: written here, not read from the config, so it cannot drift. */
const DOCUMENTED_BODY_LIMIT = 12_582_912
/** A JSON body of exactly `bytes` bytes. */
const jsonOfSize = (bytes: number) => {
  const frame = JSON.stringify({ customerId: '1', deletedReason: '' })
  return JSON.stringify({ customerId: '1', deletedReason: 'x'.repeat(bytes - frame.length) })
}

test('413: a body one byte over the documented limit; at the limit it is read', async () => {
  const over = jsonOfSize(DOCUMENTED_BODY_LIMIT + 1)
  assert.equal(Buffer.byteLength(over), DOCUMENTED_BODY_LIMIT + 1)
  const response = await shop(parley).post('/v3/conversation', { raw: over, contentType: 'application/json' })
  assertShopError(response, 413, 'payload_too_large')
  const at = jsonOfSize(DOCUMENTED_BODY_LIMIT)
  const read = await shop(parley).post('/v3/conversation', { raw: at, contentType: 'application/json' })
  // Parsed and validated: the answer is about a field, not about the body's size.
  assertShopError(read, 400, 'validation_error')
  assert.deepEqual(read.body.data.fields, {
    deletedReason: ['Ensure this field has no more than 1000 characters.'],
  })
})

test('415: the seed requires application/json; forms and other types are refused unread', async () => {
  const customerId = String(parley.demo.users.bob.id)
  const form = await shop(parley).post('/v3/conversation', { form: { customerId } })
  assertShopError(form, 415, 'unsupported_media_type')
  const multipart = await shop(parley).post('/v3/conversation', { multipart: { customerId } })
  assertShopError(multipart, 415, 'unsupported_media_type')
  const text = await shop(parley).post('/v3/conversation', { raw: 'hello', contentType: 'text/plain' })
  assertShopError(text, 415, 'unsupported_media_type')
  const listed = await shop(parley).get(`/v3/conversation?customerId=${customerId}`)
  assert.equal(listed.body.meta.total, 0, 'nothing was created')

  const charset = await shop(parley).post('/v3/conversation', {
    raw: JSON.stringify({ customerId }),
    contentType: 'application/json; charset=utf-8',
  })
  assert.equal(charset.status, 200, 'JSON with a charset is JSON')
})
