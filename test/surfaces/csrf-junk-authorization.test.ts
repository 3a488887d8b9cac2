import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { settingsRepository } from '../../src/domain/settings/settings-repository.ts'
import { contactsFrom, validForm } from '../helpers/contact-us.ts'
import { HttpClient } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { addProduct, vendorLogin } from './vendor/fixtures.ts'

// A request is exempt from CSRF only when its `Authorization` header authenticated it. A browser can be made
// to send any header value a page likes on a cross-site form post only with CORS' consent, but an exemption
// granted to the mere presence of a header is one a stray or junk header also earns: each surface here
// proves a cookie session with `Authorization: Bearer junk` gets nothing from it.

let parley: TestApp

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
})
after(() => parley.close())

const JUNK = { authorization: 'Bearer junk' }

test('vendor: a session with a junk Authorization header still needs the CSRF token and a trusted Origin', async () => {
  const seller = await vendorLogin(parley, 'seller')
  const alice = await vendorLogin(parley, 'alice')
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: await addProduct(parley, 'Junk header part'), message: 'Hello' },
  })
  assert.equal(opened.status, 201)
  const id = opened.body.data.id as number
  const path = `/vendor/conversations/${id}/messages`

  const noToken = await seller.post(path, { json: { text: 'forged' } }, { csrf: false, headers: JUNK })
  assert.equal(noToken.status, 403)
  assert.deepEqual(noToken.body.error, {
    code: 'forbidden',
    message: 'CSRF token missing: send the CSRF_TOKEN cookie value in the X-CSRF-TOKEN header.',
  })
  const foreign = await seller.post(
    path,
    { json: { text: 'forged' } },
    { headers: { ...JUNK, origin: 'https://evil.example' } },
  )
  assert.equal(foreign.status, 403)
  assert.equal(foreign.body.error.message, 'Cross-site request refused: the Origin is not trusted.')
  const logout = await seller.post('/vendor/auth/logout', undefined, { csrf: false, headers: JUNK })
  assert.equal(logout.status, 403)

  // Nothing was written and the session survived the refused logout.
  const messages = await seller.get(path)
  assert.equal(messages.status, 200)
  assert.deepEqual(
    messages.body.data.map((message: { text: string }) => message.text),
    ['Hello'],
  )
})

test('storefront: a session with a junk Authorization header is refused and writes nothing', async () => {
  const { email, password } = parley.demo.users.alice
  const browser = new HttpClient(parley.baseUrl)
  await browser.login(email, password)
  const form = validForm(parley)
  for (const options of [
    { csrf: false, headers: JUNK },
    { headers: { ...JUNK, origin: 'https://evil.example' } },
    { headers: { 'X-CSRFToken': 'forged', ...JUNK } },
  ]) {
    const response = await browser.post('/users/contact-us/', { json: form }, options)
    assert.equal(response.status, 403, JSON.stringify(options))
    assert.deepEqual(response.body, { detail: 'Invalid token.' })
  }
  assert.deepEqual(await contactsFrom(parley, form.email), [])
  // The session is intact: the same write with the token and without the junk header goes through.
  assert.equal((await browser.post('/users/contact-us/', { json: form })).status, 200)
})

test('staff and shop: a session cookie with a junk Authorization header authenticates nothing', async () => {
  const { email, password } = parley.demo.users.admin
  const browser = new HttpClient(parley.baseUrl)
  await browser.login(email, password)
  const before = await settingsRepository.overrides(parley.db, parley.demo.company.id)
  const staff = await browser.put(
    '/api/settings/CONTACT_US_SEND_USER/',
    { json: { value: true } },
    { headers: JUNK },
  )
  assert.equal(staff.status, 401)
  assert.deepEqual(staff.body, { detail: 'Invalid token.' })
  assert.deepEqual(await settingsRepository.overrides(parley.db, parley.demo.company.id), before)

  const shop = await browser.post(
    '/v3/conversation',
    { json: { customerId: String(parley.demo.users.alice.id) } },
    { headers: JUNK },
  )
  assert.equal(shop.status, 401)
  assert.equal(shop.body.code, 'unauthorized')
})
