import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { otherCompany } from './other-company.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false, env: { LOGIN_FAILURES_PER_ACCOUNT: '3' } })
})
after(() => parley.close())

const NOT_SIGNED_IN = { detail: 'Authentication credentials were not provided.' }
const STAFF_ONLY = { detail: 'Only staff and admin users can sign in to the inbox.' }

/** A browser at the inbox: asks who is signed in (which hands out the CSRF cookie), then signs in. */
async function signedIn(email: string, password: string) {
  const browser = new HttpClient(parley.baseUrl)
  await browser.get('/api/auth/me/')
  const response = await browser.post('/api/auth/login/', { json: { email, password } })
  return { browser, response }
}

test('nobody signed in: /api/auth/me/ is a 403 that hands out a script-readable CSRF cookie', async () => {
  const response = await fetch(`${parley.baseUrl}/api/auth/me/`)
  assert.equal(response.status, 403)
  assert.deepEqual(await response.json(), NOT_SIGNED_IN)
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('csrftoken='))
  assert.match(cookie ?? '', /^csrftoken=[a-zA-Z0-9]{32};/)
  assert.match(cookie ?? '', /SameSite=Lax/i)
  assert.match(cookie ?? '', /Path=\//)
  assert.doesNotMatch(cookie ?? '', /HttpOnly/i)
})

test('a staff user signs in: HttpOnly session, a new CSRF token, and the staff API answers the session', async () => {
  const { staff } = parley.demo.users
  const browser = new HttpClient(parley.baseUrl)
  await browser.get('/api/auth/me/')
  const before = browser.cookies.get('csrftoken')
  const raw = await fetch(`${parley.baseUrl}/api/auth/login/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: `csrftoken=${before}`,
      'x-csrftoken': before ?? '',
      origin: parley.baseUrl,
    },
    body: JSON.stringify({ email: staff.email, password: staff.password }),
  })
  assert.equal(raw.status, 200)
  const user = await raw.json()
  assert.deepEqual(user, {
    id: staff.id,
    email: staff.email,
    first_name: 'Sam',
    last_name: 'Staff',
    is_staff: true,
    is_superuser: false,
  })
  const cookies = raw.headers.getSetCookie()
  const session = cookies.find((line) => line.startsWith('sessionid='))
  assert.match(session ?? '', /^sessionid=[a-z0-9]{32};/)
  assert.match(session ?? '', /HttpOnly/i)
  assert.match(session ?? '', /SameSite=Lax/i)
  const rotated = /^csrftoken=([a-zA-Z0-9]+);/.exec(
    cookies.find((line) => line.startsWith('csrftoken=')) ?? '',
  )
  assert.ok(rotated && rotated[1] !== before, 'the CSRF token is rotated on sign-in')

  const { browser: signed } = await signedIn(staff.email, staff.password)
  assert.deepEqual((await signed.get('/api/auth/me/')).body, user)
  const list = await signed.get('/api/contacts/')
  assert.equal(list.status, 200)
  const created = await signed.post('/api/contacts/', { json: { subject: 'From the inbox' } })
  assert.equal(created.status, 201)
})

test('a session write without the CSRF header, with a wrong one or from a foreign origin is refused', async () => {
  const { staff } = parley.demo.users
  const { browser } = await signedIn(staff.email, staff.password)
  const body = { json: { subject: 'Forged' } }
  const missing = await browser.post('/api/contacts/', body, { csrf: false })
  assert.equal(missing.status, 403)
  assert.deepEqual(missing.body, { detail: 'CSRF Failed: CSRF token missing.' })
  const wrong = await browser.post('/api/contacts/', body, { headers: { 'X-CSRFToken': 'x'.repeat(32) } })
  assert.equal(wrong.status, 403)
  assert.match(wrong.body.detail, /^CSRF Failed: /)
  const foreign = await browser.post('/api/contacts/', body, { headers: { origin: 'https://evil.example' } })
  assert.equal(foreign.status, 403)
  assert.match(foreign.body.detail, /^CSRF Failed: Origin checking failed/)
  const reads = await browser.get('/api/contacts/?search=Forged')
  assert.equal(reads.body.count, 0, 'no refused write was stored')
})

test('the token keeps working, needs no CSRF token, and decides over a session cookie riding along', async () => {
  const { staff, alice } = parley.demo.users
  const api = withToken(parley.baseUrl, staff.token)
  const created = await api.post('/api/contacts/', { json: { subject: 'By token' } })
  assert.equal(created.status, 201)
  const { browser: customer } = await signedIn(alice.email, alice.password)
  assert.equal(customer.cookies.has('sessionid'), false)
  const storefront = new HttpClient(parley.baseUrl)
  await storefront.login(alice.email, alice.password)
  const mixed = await api.get('/api/contacts/', { headers: storefront.cookieHeader() })
  assert.equal(mixed.status, 200)
  const junk = await storefront.get('/api/contacts/', { headers: { authorization: 'Token nope' } })
  assert.equal(junk.status, 401)
})

test('wrong credentials are a 400; a customer’s right ones a 403 that opens no session', async () => {
  const { staff, alice } = parley.demo.users
  const wrong = await signedIn(staff.email, 'not-the-password')
  assert.equal(wrong.response.status, 400)
  assert.deepEqual(wrong.response.body, { non_field_errors: ['Unable to log in with provided credentials.'] })
  const customer = await signedIn(alice.email, alice.password)
  assert.equal(customer.response.status, 403)
  assert.deepEqual(customer.response.body, STAFF_ONLY)
  assert.equal(customer.browser.cookies.has('sessionid'), false)
})

test('a customer signed in on the storefront is refused by the staff API', async () => {
  const { alice } = parley.demo.users
  const storefront = new HttpClient(parley.baseUrl)
  assert.equal((await storefront.login(alice.email, alice.password)).status, 200)
  const me = await storefront.get('/api/auth/me/')
  assert.equal(me.status, 403)
  assert.deepEqual(me.body, STAFF_ONLY)
  const contacts = await storefront.get('/api/contacts/')
  assert.equal(contacts.status, 403)
  assert.deepEqual(contacts.body, { detail: 'You do not have permission to perform this action.' })
})

test('signing in needs the CSRF token too', async () => {
  const { staff } = parley.demo.users
  const browser = new HttpClient(parley.baseUrl)
  await browser.get('/api/auth/me/')
  const response = await browser.post(
    '/api/auth/login/',
    { json: { email: staff.email, password: staff.password } },
    { csrf: false },
  )
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, { detail: 'CSRF Failed: CSRF token missing.' })
  assert.equal(browser.cookies.has('sessionid'), false)
})

test('sign-out ends the session: the same cookie is anonymous afterwards', async () => {
  const { admin } = parley.demo.users
  const { browser } = await signedIn(admin.email, admin.password)
  const session = browser.cookies.get('sessionid')
  assert.equal((await browser.get('/api/auth/me/')).body.is_superuser, true)
  const refused = await browser.post('/api/auth/logout/', undefined, { csrf: false })
  assert.equal(refused.status, 403)
  assert.equal((await browser.get('/api/auth/me/')).status, 200, 'a forged sign-out changes nothing')
  const out = await browser.post('/api/auth/logout/')
  assert.equal(out.status, 204)
  assert.equal(browser.cookies.has('sessionid'), false)
  const replayed = await fetch(`${parley.baseUrl}/api/contacts/`, {
    headers: { cookie: `sessionid=${session}` },
  })
  assert.equal(replayed.status, 401)
})

test('/api/staff-members/ lists the company’s active staff and admins only', async () => {
  const { staff, admin } = parley.demo.users
  await otherCompany(parley)
  const { browser } = await signedIn(staff.email, staff.password)
  const response = await browser.get('/api/staff-members/')
  assert.equal(response.status, 200)
  assert.deepEqual(
    response.body.map((member: { id: number }) => member.id).sort(),
    [admin.id, staff.id].sort(),
  )
  assert.deepEqual(Object.keys(response.body[0]).sort(), [
    'email',
    'first_name',
    'id',
    'is_superuser',
    'last_name',
  ])
  const customer = withToken(parley.baseUrl, parley.demo.users.alice.token)
  assert.equal((await customer.get('/api/staff-members/')).status, 403)
})

test('signing in again ends the session the browser held before', async () => {
  const { staff } = parley.demo.users
  const { browser } = await signedIn(staff.email, staff.password)
  const first = browser.cookies.get('sessionid')
  assert.equal(
    (await browser.post('/api/auth/login/', { json: { email: staff.email, password: staff.password } }))
      .status,
    200,
  )
  assert.notEqual(browser.cookies.get('sessionid'), first)
  assert.equal((await browser.get('/api/auth/me/')).body.id, staff.id)
  const old = await fetch(`${parley.baseUrl}/api/auth/me/`, { headers: { cookie: `sessionid=${first}` } })
  assert.equal(old.status, 403)
})

test('failed sign-ins are throttled with a 429 in DRF’s words', async () => {
  const { admin } = parley.demo.users
  let last = await signedIn(admin.email, 'wrong-1')
  for (let attempt = 0; attempt < 3; attempt++) last = await signedIn(admin.email, `wrong-${attempt}`)
  assert.equal(last.response.status, 429)
  assert.match(last.response.body.detail, /^Request was throttled\./)
})
