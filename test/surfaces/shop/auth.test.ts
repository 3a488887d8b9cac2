import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const assertEnvelope = (body: any, code: string) => {
  assert.deepEqual(Object.keys(body).sort(), ['code', 'data', 'documentation_url', 'message', 'success'])
  assert.equal(body.success, false)
  assert.equal(body.code, code)
  assert.equal(typeof body.message, 'string')
  assert.equal(typeof body.documentation_url, 'string')
}

test('no bearer key is a 401 in the shop error envelope', async () => {
  const response = await new HttpClient(parley.baseUrl).get('/v3/conversation')
  assert.equal(response.status, 401)
  assertEnvelope(response.body, 'unauthorized')
})

test('an unknown key is a 401, a customer’s key a 403', async () => {
  const unknown = await withToken(parley.baseUrl, 'prl_nope', 'Bearer').get('/v3/conversation')
  assert.equal(unknown.status, 401)
  assertEnvelope(unknown.body, 'unauthorized')
  const customer = await withToken(parley.baseUrl, parley.demo.users.alice.token, 'Bearer').get(
    '/v3/conversation',
  )
  assert.equal(customer.status, 403)
  assertEnvelope(customer.body, 'forbidden')
})

test('an unknown route under /v3 is a 404 in the envelope', async () => {
  const response = await withToken(parley.baseUrl, parley.demo.users.staff.token, 'Bearer').get(
    '/v3/nothing-here',
  )
  assert.equal(response.status, 404)
  assertEnvelope(response.body, 'not_found')
})
