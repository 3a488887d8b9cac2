import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { otherCompany } from './other-company.ts'
import { signedInStaff } from './staff-session.ts'

let parley: TestApp
let admin: HttpClient

before(async () => {
  parley = await startTestApp({ runWorkers: false, env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
})
after(() => parley.close())

const endpoint = (fields: Record<string, unknown> = {}) => ({
  json: { url: 'https://hooks.example.com/parley', events: ['contact.created'], ...fields },
})

test('an admin registers an endpoint and sees its secret once', async () => {
  const created = await admin.post('/api/webhook-endpoints/', endpoint({ description: 'CRM' }))
  assert.equal(created.status, 201)
  assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{32}$/)
  assert.equal(created.body.url, 'https://hooks.example.com/parley')
  assert.deepEqual(created.body.events, ['contact.created'])
  assert.equal(created.body.description, 'CRM')
  assert.equal(created.body.enabled, true)
  assert.equal(created.body.failing_since, null)

  const fetched = await admin.get(`/api/webhook-endpoints/${created.body.id}/`)
  assert.equal(fetched.status, 200)
  assert.equal('secret' in fetched.body, false)
  const { secret: _secret, ...shown } = created.body
  assert.deepEqual(fetched.body, shown)

  const listed = await admin.get('/api/webhook-endpoints/')
  assert.equal(listed.status, 200)
  assert.equal(listed.body.count >= 1, true)
  assert.equal(listed.body.next, null)
  assert.equal(
    listed.body.results.some((each: { id: number }) => each.id === created.body.id),
    true,
  )
  assert.equal(JSON.stringify(listed.body).includes(created.body.secret), false)
})

test('an admin changes, disables and deletes an endpoint', async () => {
  const { body } = await admin.post('/api/webhook-endpoints/', endpoint())
  const changed = await admin.patch(`/api/webhook-endpoints/${body.id}/`, {
    json: { events: ['*'], enabled: false, description: 'paused' },
  })
  assert.equal(changed.status, 200)
  assert.deepEqual(changed.body.events, ['*'])
  assert.equal(changed.body.enabled, false)
  assert.equal(changed.body.description, 'paused')
  assert.equal(changed.body.url, body.url)
  const deleted = await admin.delete(`/api/webhook-endpoints/${body.id}/`)
  assert.equal(deleted.status, 204)
  assert.equal((await admin.get(`/api/webhook-endpoints/${body.id}/`)).status, 404)
  assert.equal((await admin.delete(`/api/webhook-endpoints/${body.id}/`)).status, 404)
})

test('rotating answers a new secret once; the endpoint shows until when the old one signs', async () => {
  const { body } = await admin.post('/api/webhook-endpoints/', endpoint())
  const rotated = await admin.post(`/api/webhook-endpoints/${body.id}/rotate-secret/`)
  assert.equal(rotated.status, 200)
  assert.match(rotated.body.secret, /^whsec_/)
  assert.notEqual(rotated.body.secret, body.secret)
  const until = Date.parse(rotated.body.secret_rotated_until)
  assert.ok(Math.abs(until - (Date.now() + 24 * 3_600_000)) < 60_000)
  const fetched = await admin.get(`/api/webhook-endpoints/${body.id}/`)
  assert.equal('secret' in fetched.body, false)
})

test('bad fields are 400 as DRF field lists, every problem at once', async () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ url: undefined, events: undefined }, ['url', 'events']],
    [{ url: 'not a url' }, ['url']],
    [{ url: 'ftp://hooks.example.com/' }, ['url']],
    [{ url: 'http://hooks.example.com/' }, ['url']],
    [{ url: 'https://user:pw@hooks.example.com/' }, ['url']],
    [{ url: 'https://10.0.0.5/hook' }, ['url']],
    [{ url: 'https://169.254.169.254/latest/meta-data/' }, ['url']],
    [{ url: 'https://[::ffff:10.0.0.1]/' }, ['url']],
    [{ events: [] }, ['events']],
    [{ events: ['contact.created', 'order.shipped'] }, ['events']],
    [{ enabled: 'maybe', description: 'x'.repeat(501) }, ['enabled', 'description']],
  ]
  for (const [fields, wrong] of cases) {
    const response = await admin.post('/api/webhook-endpoints/', endpoint(fields))
    assert.equal(response.status, 400, JSON.stringify(fields))
    assert.deepEqual(Object.keys(response.body).sort(), wrong.sort(), JSON.stringify(fields))
    for (const field of wrong) assert.equal(Array.isArray(response.body[field]), true)
  }
  const { body } = await admin.post('/api/webhook-endpoints/', endpoint())
  const patched = await admin.patch(`/api/webhook-endpoints/${body.id}/`, {
    json: { url: 'http://10.1.1.1/' },
  })
  assert.equal(patched.status, 400)
  assert.deepEqual(Object.keys(patched.body), ['url'])
})

test('loopback is accepted, over plain http too, only while WEBHOOK_ALLOW_LOOPBACK is on', async () => {
  for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]:9/hook']) {
    const response = await admin.post('/api/webhook-endpoints/', endpoint({ url }))
    assert.equal(response.status, 201, url)
  }
  const strict = await startTestApp({ runWorkers: false })
  try {
    const strictAdmin = withToken(strict.baseUrl, strict.demo.users.admin.token)
    for (const url of [
      'http://127.0.0.1:9/',
      'https://127.0.0.1/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
    ]) {
      const response = await strictAdmin.post('/api/webhook-endpoints/', endpoint({ url }))
      assert.equal(response.status, 400, url)
      assert.deepEqual(Object.keys(response.body), ['url'])
    }
  } finally {
    await strict.close()
  }
})

test('only admins: no key is 401, a staff or customer key 403, on every route', async () => {
  const { body } = await admin.post('/api/webhook-endpoints/', endpoint())
  const routes: [string, string][] = [
    ['GET', '/api/webhook-endpoints/'],
    ['POST', '/api/webhook-endpoints/'],
    ['GET', `/api/webhook-endpoints/${body.id}/`],
    ['PATCH', `/api/webhook-endpoints/${body.id}/`],
    ['DELETE', `/api/webhook-endpoints/${body.id}/`],
    ['POST', `/api/webhook-endpoints/${body.id}/rotate-secret/`],
  ]
  const anonymous = new HttpClient(parley.baseUrl)
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const customer = withToken(parley.baseUrl, parley.demo.users.alice.token)
  for (const [method, path] of routes) {
    const options = method === 'POST' || method === 'PATCH' ? { body: endpoint() } : {}
    assert.equal((await anonymous.request(method, path, options)).status, 401, `${method} ${path}`)
    for (const client of [staff, customer]) {
      const refused = await client.request(method, path, options)
      assert.equal(refused.status, 403, `${method} ${path}`)
      assert.deepEqual(refused.body, { detail: 'You do not have permission to perform this action.' })
    }
  }
  assert.equal((await admin.get(`/api/webhook-endpoints/${body.id}/`)).status, 200)
})

test('another company’s endpoint is a 404 and never listed', async () => {
  const { body } = await admin.post('/api/webhook-endpoints/', endpoint())
  const other = await otherCompany(parley)
  const user = await parley.app.domain.accounts.createUser({
    companyId: other.companyId,
    email: 'admin@other.test',
    isSuperuser: true,
  })
  const otherAdmin = withToken(parley.baseUrl, await parley.app.domain.accounts.createApiKey(user.id))
  for (const [method, path] of [
    ['GET', `/api/webhook-endpoints/${body.id}/`],
    ['PATCH', `/api/webhook-endpoints/${body.id}/`],
    ['DELETE', `/api/webhook-endpoints/${body.id}/`],
    ['POST', `/api/webhook-endpoints/${body.id}/rotate-secret/`],
  ] as const) {
    // A body the owner could send, and one that is wrong: either way the object is not there.
    const response = await otherAdmin.request(method, path, method === 'PATCH' ? { body: endpoint() } : {})
    assert.equal(response.status, 404, `${method} ${path}`)
    if (method !== 'PATCH') continue
    const invalid = await otherAdmin.patch(path, endpoint({ url: 'nope' }))
    assert.equal(invalid.status, 404)
    assert.equal(response.status, 404, `${method} ${path}`)
    assert.deepEqual(response.body, { detail: 'Not found.' })
  }
  const listed = await otherAdmin.get('/api/webhook-endpoints/')
  assert.deepEqual(listed.body, { count: 0, next: null, previous: null, results: [] })
  assert.equal((await admin.get(`/api/webhook-endpoints/${body.id}/`)).body.url, body.url)
})

test('/openapi.json documents the routes and their fields', async () => {
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body
  const paths = Object.keys(document.paths)
  for (const path of [
    '/api/webhook-endpoints/',
    '/api/webhook-endpoints/{id}/',
    '/api/webhook-endpoints/{id}/rotate-secret/',
  ]) {
    assert.ok(paths.includes(path), path)
  }
  const create = document.paths['/api/webhook-endpoints/'].post
  assert.match(create.description, /once/)
  const schema = create.responses['201'].content['application/json'].schema
  assert.match(schema.properties.secret.description, /whsec_/)
})

test('an admin signed in with a session manages endpoints, writing with the CSRF token only', async () => {
  const browser = await signedInStaff(parley, 'admin')
  const created = await browser.post('/api/webhook-endpoints/', endpoint())
  assert.equal(created.status, 201)
  assert.match(created.body.secret, /^whsec_/)
  const forged = await browser.post(`/api/webhook-endpoints/${created.body.id}/rotate-secret/`, undefined, {
    csrf: false,
  })
  assert.equal(forged.status, 403)
  assert.equal(
    (await browser.get(`/api/webhook-endpoints/${created.body.id}/`)).body.secret_rotated_until,
    null,
  )
  const staff = await signedInStaff(parley, 'staff')
  assert.equal((await staff.get('/api/webhook-endpoints/')).status, 403)
})
