import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

// Every route of every surface, fed input no client should send: whatever it is, the answer is a 4xx in
// the surface's own shape, never a 5xx.

let parley: TestApp
let storefront: HttpClient
let vendor: HttpClient
let staff: HttpClient
let shop: HttpClient
let routes: { method: string; path: string }[]

before(async () => {
  parley = await startTestApp()
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
