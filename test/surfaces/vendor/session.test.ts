import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const vendorClient = () => {
  const client = new HttpClient(parley.baseUrl)
  client.csrfCookie = 'CSRF_TOKEN'
  client.csrfHeader = 'X-CSRF-TOKEN'
  return client
}

test('login sets PARTIZAP_SESSION (HttpOnly) and CSRF_TOKEN, and returns the user in data', async () => {
  const client = vendorClient()
  const response = await client.post('/vendor/auth/login', {
    json: { email: parley.demo.users.alice.email, password: parley.demo.users.alice.password },
  })
  assert.equal(response.status, 200)
  assert.equal(response.body.data.id, parley.demo.users.alice.id)
  assert.equal(response.body.data.email, 'alice@parley.test')
  const cookies = response.headers.getSetCookie()
  assert.ok(cookies.some((cookie) => /^PARTIZAP_SESSION=.+HttpOnly.*SameSite=Lax/i.test(cookie)))
  assert.ok(cookies.some((cookie) => /^CSRF_TOKEN=/.test(cookie) && !/HttpOnly/i.test(cookie)))
})

test('wrong credentials are a 422 in the vendor error shape', async () => {
  const response = await vendorClient().post('/vendor/auth/login', {
    json: { email: parley.demo.users.alice.email, password: 'nope' },
  })
  assert.equal(response.status, 422)
  assert.equal(response.body.error.code, 'validation_error')
  assert.deepEqual(response.body.error.fields, {
    non_field_errors: ['Unable to log in with provided credentials.'],
  })
})

test('a missing or wrong X-CSRF-TOKEN on an unsafe method is 403', async () => {
  const client = vendorClient()
  await client.post('/vendor/auth/login', {
    json: { email: parley.demo.users.alice.email, password: parley.demo.users.alice.password },
  })
  const missing = await client.post('/vendor/auth/logout', undefined, { csrf: false })
  assert.equal(missing.status, 403)
  assert.equal(missing.body.error.code, 'forbidden')
  const wrong = await client.post('/vendor/auth/logout', undefined, { headers: { 'X-CSRF-TOKEN': 'nope' } })
  assert.equal(wrong.status, 403)
  const right = await client.post('/vendor/auth/logout')
  assert.equal(right.status, 204)
})

test('the event stream takes a storefront session, and refuses an anonymous client with 401', async () => {
  const client = new HttpClient(parley.baseUrl)
  await client.login(parley.demo.users.bob.email, parley.demo.users.bob.password)
  const stream = await openEventStream(`${parley.baseUrl}/vendor/events`, client.cookieHeader())
  assert.equal(stream.status, 200)
  await stream.close()
  const anonymous = await vendorClient().get('/vendor/events')
  assert.equal(anonymous.status, 401)
  assert.deepEqual(anonymous.body, {
    error: { code: 'unauthenticated', message: 'Authentication required.' },
  })
})

test('a form post may carry the CSRF token in csrfmiddlewaretoken instead of the header', async () => {
  const client = vendorClient()
  await client.post('/vendor/auth/login', {
    json: { email: parley.demo.users.alice.email, password: parley.demo.users.alice.password },
  })
  const token = client.cookies.get('CSRF_TOKEN') ?? ''
  assert.match(token, /^[a-zA-Z0-9]{32}$/)
  const wrong = await client.post(
    '/vendor/auth/logout',
    { form: { csrfmiddlewaretoken: 'nope' } },
    { csrf: false },
  )
  assert.equal(wrong.status, 403)
  const right = await client.post(
    '/vendor/auth/logout',
    { form: { csrfmiddlewaretoken: token } },
    { csrf: false },
  )
  assert.equal(right.status, 204)
})
