import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

// The default limit, 10 a minute, is what this file proves; no env override.
let parley: TestApp
let other: TestApp

before(async () => {
  parley = await startTestApp()
  other = await startTestApp({ shared: { database: parley.database, dataDir: parley.dataDir } })
})
after(async () => {
  await other.close()
  await parley.close()
})

const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/

test('the 11th submission in a minute from one client is throttled in DRF words', async () => {
  const browser = await guestBrowser(parley)
  for (let index = 1; index <= 10; index += 1) {
    // Invalid forms count too: the throttle runs before validation, as DRF's does.
    const body = index % 2 === 0 ? { json: validForm(parley) } : { json: {} }
    const response = await browser.post('/users/contact-us/', body)
    assert.notEqual(response.status, 429, `submission ${index} is within the limit`)
  }
  const eleventh = await browser.post('/users/contact-us/', { json: validForm(parley) })
  assert.equal(eleventh.status, 429)
  const [, seconds] = THROTTLED.exec(eleventh.body.detail) ?? []
  assert.ok(seconds, `unexpected detail: ${eleventh.body.detail}`)
  assert.ok(Number(seconds) >= 1 && Number(seconds) <= 60)
  assert.equal(eleventh.headers.get('retry-after'), seconds)
})

test('a logged-in customer is throttled by account, apart from the anonymous clients at the same address', async () => {
  // The address first: anonymous forms from it are refused (already, when the test above ran).
  const anonymous = await guestBrowser(parley)
  let refused = 0
  for (let index = 1; index <= 11 && refused === 0; index += 1) {
    if ((await anonymous.post('/users/contact-us/', { json: {} })).status === 429) refused = index
  }
  assert.ok(refused > 0, 'the address is throttled for anonymous forms')
  const alice = new HttpClient(parley.baseUrl)
  const login = await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  assert.equal(login.status, 200)
  for (let index = 1; index <= 10; index += 1) {
    const response = await alice.post('/users/contact-us/', { json: validForm(parley) })
    assert.equal(
      response.status,
      200,
      `alice's submission ${index} counts against her account, not the address`,
    )
  }
  const eleventh = await alice.post('/users/contact-us/', { json: validForm(parley) })
  assert.equal(eleventh.status, 429)
  assert.match(eleventh.body.detail, THROTTLED)
  const stillRefused = await anonymous.post('/users/contact-us/', { json: validForm(parley) })
  assert.equal(stillRefused.status, 429, 'her forms did not reset the address')
})

test('while the address is throttled for the form, reading the subjects still works', async () => {
  const response = await new HttpClient(parley.baseUrl).get('/users/contact-us-subjects/')
  assert.equal(response.status, 200)
})

test('the limit is shared by every instance on the database, not counted per process', async () => {
  const bob = new HttpClient(parley.baseUrl)
  assert.equal((await bob.login(parley.demo.users.bob.email, parley.demo.users.bob.password)).status, 200)
  const onOther = new HttpClient(other.baseUrl)
  for (const [name, value] of bob.cookies) onOther.cookies.set(name, value)
  for (let index = 1; index <= 10; index += 1) {
    const client = index % 2 === 0 ? bob : onOther
    const response = await client.post('/users/contact-us/', { json: validForm(parley) })
    assert.equal(response.status, 200, `submission ${index} is within the limit`)
  }
  for (const client of [bob, onOther]) {
    const response = await client.post('/users/contact-us/', { json: validForm(parley) })
    assert.equal(response.status, 429)
    assert.match(response.body.detail, THROTTLED)
    assert.ok(Number(response.headers.get('retry-after')) > 0)
  }
})
