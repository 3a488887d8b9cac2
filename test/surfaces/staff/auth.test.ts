import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const send = (client: HttpClient, method: string, path: string) =>
  client.request(method, path, method === 'GET' ? {} : { body: { json: {} } })

/** Every staff route this issue adds, so the auth checks run over all of them. */
const routes: [string, string][] = [
  ['GET', '/api/contacts/'],
  ['POST', '/api/contacts/'],
  ['GET', '/api/contacts/1/'],
  ['PATCH', '/api/contacts/1/'],
  ['PUT', '/api/contacts/1/'],
  ['DELETE', '/api/contacts/1/'],
  ['GET', '/api/contacts/1/attachment/'],
  ['GET', '/api/contact-subjects/'],
  ['POST', '/api/contact-subjects/'],
  ['GET', '/api/contact-subjects/1/'],
  ['PATCH', '/api/contact-subjects/1/'],
  ['DELETE', '/api/contact-subjects/1/'],
  ['POST', '/api/sync/users/'],
  ['POST', '/api/sync/sellers/'],
  ['POST', '/api/sync/products/'],
  ['POST', '/api/sync/orders/'],
  ['GET', '/api/staff-members/'],
  ['POST', '/api/contacts/1/replies/'],
  ['POST', '/api/contacts/1/emails/1/retry/'],
  ['GET', '/api/conversations/'],
  ['GET', '/api/conversations/1/'],
  ['PATCH', '/api/conversations/1/'],
  ['DELETE', '/api/conversations/1/'],
  ['POST', '/api/conversations/1/messages/'],
  ['POST', '/api/conversations/1/notes/'],
  ['POST', '/api/conversations/1/read/'],
  ['GET', '/api/conversations/1/messages/1/image/'],
  ['GET', '/api/events'],
]

test('without credentials every route answers 401 with the Token challenge', async () => {
  const anonymous = new HttpClient(parley.baseUrl)
  for (const [method, path] of routes) {
    const response = await send(anonymous, method, path)
    assert.equal(response.status, 401, `${method} ${path}`)
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
    assert.equal(response.headers.get('www-authenticate'), 'Token')
  }
})

test('an unknown key is refused as DRF refuses an invalid token', async () => {
  const stranger = withToken(parley.baseUrl, 'prl_not-a-key')
  for (const [method, path] of routes) {
    const response = await send(stranger, method, path)
    assert.equal(response.status, 401, `${method} ${path}`)
    assert.deepEqual(response.body, { detail: 'Invalid token.' })
  }
})

test("a customer's key is forbidden on every route", async () => {
  const alice = withToken(parley.baseUrl, parley.demo.users.alice.token)
  for (const [method, path] of routes) {
    const response = await send(alice, method, path)
    assert.equal(response.status, 403, `${method} ${path}`)
    assert.deepEqual(response.body, { detail: 'You do not have permission to perform this action.' })
  }
})

test('a Bearer key of a staff user is accepted like a Token key', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token, 'Bearer')
  const response = await staff.get('/api/contacts')
  assert.equal(response.status, 200)
  // The same answer as the Token scheme gets: the key was read, not merely let through.
  const token = await withToken(parley.baseUrl, parley.demo.users.staff.token).get('/api/contacts')
  assert.deepEqual(response.body, token.body)
  assert.equal(typeof response.body.count, 'number')
})
