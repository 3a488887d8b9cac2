import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

// Every route of every surface, fed input no client should send: whatever it is, the answer is a 4xx in
// the surface's own shape, never a 5xx. The contact-us throttle is raised so that every odd body reaches the
// parser: at the default 10 a minute, the 11th form on answers 429 before its body is read.

let parley: TestApp
let storefront: HttpClient
let vendor: HttpClient
let staff: HttpClient
let shop: HttpClient
let routes: { method: string; path: string }[]

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '100000' } })
  storefront = new HttpClient(parley.baseUrl)
  await storefront.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  vendor = new HttpClient(parley.baseUrl)
  vendor.csrfCookie = 'CSRF_TOKEN'
  vendor.csrfHeader = 'X-CSRF-TOKEN'
  await vendor.post('/vendor/auth/login', {
    json: { email: parley.demo.users.alice.email, password: parley.demo.users.alice.password },
  })
  staff = withToken(parley.baseUrl, parley.demo.users.admin.token)
  shop = withToken(parley.baseUrl, parley.demo.users.admin.token, 'Bearer')
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body
  routes = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
    ([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
  )
})
after(() => parley.close())

const clientFor = (path: string) =>
  path.startsWith('/vendor')
    ? vendor
    : path.startsWith('/api')
      ? staff
      : path.startsWith('/v3')
        ? shop
        : storefront

const oddIds = ['0', '-1', 'abc', '99999999999999999999', '1.5', '%00']
const oddBodies = [
  { raw: '{"unterminated": ', contentType: 'application/json' },
  { raw: '[1, 2, 3]', contentType: 'application/json' },
  { raw: '"just a string"', contentType: 'application/json' },
  { raw: 'null', contentType: 'application/json' },
  { raw: '', contentType: 'application/json' },
  { raw: '{"a": {"b": {"c": [null, true, 1e308]}}}', contentType: 'application/json' },
  {
    raw: JSON.stringify({ id: -1, text: 12, message: [], product_id: 'x', subject: {}, value: null }),
    contentType: 'application/json',
  },
  { raw: 'a=1&a=2&subject[]=x', contentType: 'application/x-www-form-urlencoded' },
  {
    raw: '--broken\r\nContent-Disposition: form-data; name="x"\r\n\r\n',
    contentType: 'multipart/form-data; boundary=broken',
  },
  { raw: '<xml/>', contentType: 'application/xml' },
]

const isMessages = (messages: unknown) =>
  Array.isArray(messages) && messages.length > 0 && messages.every((message) => typeof message === 'string')
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** DRF's `{"detail": "…"}` or `{"field": ["msg", …], …}`; a bulk body's errors are a list of those, one per item. */
function isDrfError(body: unknown): boolean {
  if (Array.isArray(body)) return body.length > 0 && body.every((item) => isObject(item) && isDrfError(item))
  if (!isObject(body) || Object.keys(body).length === 0) return false
  return typeof body.detail === 'string' || Object.values(body).every(isMessages)
}

/** The vendor surface's `{"error": {"code", "message", "fields"?}}`. */
function isVendorError(body: unknown) {
  if (!isObject(body) || !isObject(body.error)) return false
  const { code, message, fields } = body.error
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (fields === undefined || (isObject(fields) && Object.values(fields).every(isMessages)))
  )
}

/** The shop API's (`/v3`) envelope: `{"success": false, "code", "message", "documentation_url", "data"}`. */
function isShopError(body: unknown) {
  if (!isObject(body) || body.success !== false) return false
  const { code, message, documentation_url: documentation, data } = body
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    typeof documentation === 'string' &&
    (data === null ||
      (isObject(data) && isObject(data.fields) && Object.values(data.fields).every(isMessages)))
  )
}

const isErrorShape = (path: string, body: unknown) =>
  path.startsWith('/vendor')
    ? isVendorError(body)
    : path.startsWith('/v3')
      ? isShopError(body)
      : isDrfError(body)

test('no route answers malformed ids, bodies or queries with a server error', async () => {
  assert.ok(routes.length > 30, 'the OpenAPI document lists every route')
  const failures: string[] = []
  for (const route of routes) {
    if (route.path.endsWith('/events')) continue
    const client = clientFor(route.path)
    const paths = route.path.includes('{')
      ? oddIds.map((id) => route.path.replace(/\{[^}]+\}/g, id))
      : [route.path]
    for (const path of paths) {
      const queries = ['', '?page=-1&limit=abc&cursor=%ZZ&skip=-5&ordering=;drop&viewed=maybe&archived=2']
      for (const query of queries) {
        const bodies = route.method === 'GET' || route.method === 'DELETE' ? [undefined] : oddBodies
        for (const body of bodies) {
          const response = await client.request(route.method, `${path}${query}`, { body })
          const where = `${route.method} ${path}${query} ${body?.raw ?? ''}`
          if (response.status === 429) failures.push(`${where} → throttled before its input was read`)
          if (response.status >= 400 && !isErrorShape(route.path, response.body))
            failures.push(
              `${where} → ${response.status} ${JSON.stringify(response.body)}: not an error shape`,
            )
          if (response.status >= 500)
            failures.push(`${route.method} ${path}${query} ${body?.raw ?? ''} → ${response.status}`)
          if (response.status >= 400 && !response.headers.get('content-type')?.includes('application/json')) {
            failures.push(`${route.method} ${path}${query} → ${response.status} without a JSON error body`)
          }
        }
      }
    }
  }
  assert.deepEqual(failures, [])
})

test('contact-us reads every odd body and answers each with its own error', async () => {
  const required = ['This field is required.']
  const missingAll = { subject: required, full_name: required, email: required, message: required }
  const expected = [
    { status: 400, body: { detail: "Body is not valid JSON but content-type is set to 'application/json'" } },
    { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] } },
    { status: 400, body: { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] } },
    { status: 400, body: missingAll },
    { status: 400, body: missingAll },
    { status: 400, body: missingAll },
    {
      status: 400,
      body: {
        full_name: required,
        email: required,
        subject: ['Incorrect type. Expected pk value, received dict.'],
        message: ['Not a valid string.'],
      },
    },
    { status: 400, body: missingAll },
    { status: 400, body: { detail: 'Multipart form parse error - Unexpected end of multipart data' } },
    { status: 415, body: { detail: 'Unsupported media type "application/xml" in request.' } },
  ]
  assert.equal(expected.length, oddBodies.length)
  // Twice over, past the default limit of 10 a minute: a throttle answering first would show as a 429.
  for (const _ of [1, 2]) {
    for (const [index, body] of oddBodies.entries()) {
      const response = await storefront.request('POST', '/users/contact-us/', { body })
      assert.deepEqual({ status: response.status, body: response.body }, expected[index], body.raw)
    }
  }
})
