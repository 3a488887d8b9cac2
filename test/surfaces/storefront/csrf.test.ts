import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { contacts } from '../../../src/db/schema/index.ts'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

const TRUSTED = 'https://shop.example.com'
let parley: TestApp

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000', TRUSTED_ORIGINS: TRUSTED } })
})
after(() => parley.close())

const contactUs = (client: HttpClient, options: Parameters<HttpClient['request']>[2] = {}) =>
  client.request('POST', '/users/contact-us/', { body: { json: validForm(parley) }, ...options })

const csrfFailed = (reason: string) => ({ detail: `CSRF Failed: ${reason}` })

test('every storefront response hands out a csrftoken cookie to a client without one', async () => {
  const client = new HttpClient(parley.baseUrl)
  const subjects = await client.get('/users/contact-us-subjects/')
  const cookie = subjects.headers.getSetCookie().find((line) => line.startsWith('csrftoken='))
  assert.ok(cookie, 'the first response sets csrftoken')
  assert.match(cookie, /SameSite=Lax/)
  assert.doesNotMatch(cookie, /HttpOnly/, 'the page script must be able to read it')
  const refused = await new HttpClient(parley.baseUrl).post('/users/contact-us/', { json: {} })
  assert.ok(
    refused.headers.getSetCookie().some((line) => line.startsWith('csrftoken=')),
    'a 403 sets it too',
  )
  const again = await client.get('/users/contact-us-subjects/')
  assert.equal(again.headers.getSetCookie().length, 0, 'a client that has the cookie keeps it')
})

test('a write without the CSRF cookie is refused', async () => {
  const response = await contactUs(new HttpClient(parley.baseUrl))
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, csrfFailed('CSRF cookie not set.'))
})

test('a write with the cookie but without the header is refused', async () => {
  const response = await contactUs(await guestBrowser(parley), { csrf: false })
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, csrfFailed('CSRF token missing.'))
})

test('a write whose header differs from the cookie is refused', async () => {
  const response = await contactUs(await guestBrowser(parley), { headers: { 'X-CSRFToken': 'forged' } })
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, csrfFailed("CSRF token from the 'X-Csrftoken' HTTP header incorrect."))
})

test('a foreign Origin is refused even with a good token; a trusted or own one is not', async () => {
  const browser = await guestBrowser(parley)
  const foreign = await contactUs(browser, { headers: { origin: 'https://evil.example' } })
  assert.equal(foreign.status, 403)
  assert.deepEqual(
    foreign.body,
    csrfFailed('Origin checking failed - https://evil.example does not match any trusted origins.'),
  )
  assert.equal((await contactUs(browser, { headers: { origin: TRUSTED } })).status, 200)
  assert.equal((await contactUs(browser, { headers: { origin: parley.baseUrl } })).status, 200)
})

test('login is refused from a foreign Origin', async () => {
  const browser = await guestBrowser(parley)
  const { email, password } = parley.demo.users.alice
  const response = await browser.request('POST', '/users/login/', {
    body: { json: { email, password } },
    headers: { origin: 'https://evil.example' },
  })
  assert.equal(response.status, 403)
  assert.equal(browser.cookies.has('sessionid'), false)
})

test('a request authenticated by its Authorization header needs no CSRF token, and acts as the key’s user', async () => {
  const form = validForm(parley)
  const response = await new HttpClient(parley.baseUrl).request('POST', '/users/contact-us/', {
    body: { json: form },
    headers: { authorization: `Token ${parley.demo.users.alice.token}` },
  })
  assert.equal(response.status, 200)
  // The effect is the point: the form is stored as Alice's, so the key authenticated it.
  const stored = await parley.db.select().from(contacts).where(eq(contacts.email, form.email))
  assert.deepEqual(
    stored.map((contact) => contact.userId),
    [parley.demo.users.alice.id],
  )
})

test('an invalid Authorization header is refused, not a way around CSRF for a session cookie', async () => {
  const browser = new HttpClient(parley.baseUrl)
  await browser.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  const response = await contactUs(browser, { csrf: false, headers: { authorization: 'Token not-a-key' } })
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, { detail: 'Invalid token.' })
})

test('safe methods need no token', async () => {
  const response = await new HttpClient(parley.baseUrl).get('/users/contact-us-subjects/')
  assert.equal(response.status, 200)
})

test('a form may carry the token in csrfmiddlewaretoken, as Django reads it; a wrong one is refused', async () => {
  const browser = await guestBrowser(parley)
  const token = browser.cookies.get('csrftoken') ?? ''
  assert.match(token, /^[a-zA-Z0-9]{32}$/, 'CSRF tokens are alphanumeric, as Django’s are')
  for (const encoding of ['form', 'multipart'] as const) {
    const fields = Object.fromEntries(
      Object.entries(validForm(parley)).map(([name, value]) => [name, String(value)]),
    )
    const body = (csrfmiddlewaretoken: string) =>
      encoding === 'form'
        ? { form: { ...fields, csrfmiddlewaretoken } }
        : { multipart: { ...fields, csrfmiddlewaretoken } }
    const right = await browser.request('POST', '/users/contact-us/', { body: body(token), csrf: false })
    assert.equal(right.status, 200, `${encoding}: ${right.text}`)
    const wrong = await browser.request('POST', '/users/contact-us/', { body: body('forged'), csrf: false })
    assert.equal(wrong.status, 403, encoding)
    const none = await browser.request('POST', '/users/contact-us/', {
      body: { [encoding]: fields } as never,
      csrf: false,
    })
    assert.deepEqual(none.body, csrfFailed('CSRF token missing.'), encoding)
  }
})

test('a write from Origin null (a sandboxed frame) is refused even with a good token', async () => {
  const response = await contactUs(await guestBrowser(parley), { headers: { origin: 'null' } })
  assert.equal(response.status, 403)
  assert.deepEqual(
    response.body,
    csrfFailed('Origin checking failed - null does not match any trusted origins.'),
  )
})
