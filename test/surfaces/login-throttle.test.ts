import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import { HttpClient } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { vendorClient } from './vendor/fixtures.ts'

// Two instances on one database: a throttle counted in each process would allow each its own limit.
let first: TestApp
let second: TestApp
const log: string[] = []

before(async () => {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk))
      done()
    },
  })
  // The address limit is out of the way here; it has its own test below.
  const env = { LOGIN_FAILURES_PER_ADDRESS: '1000' }
  first = await startTestApp({ env, logger: { level: 'warn', stream } })
  second = await startTestApp({ env, shared: { database: first.database, dataDir: first.dataDir } })
})
after(async () => {
  await second.close()
  await first.close()
})

const THROTTLED = /^Request was throttled\. Expected available in (\d+) seconds?\.$/

const storefrontLogin = (parley: TestApp, email: string, password: string) =>
  new HttpClient(parley.baseUrl).login(email, password)

const vendorLogin = (parley: TestApp, email: string, password: string) =>
  vendorClient(parley.baseUrl).post('/vendor/auth/login', { json: { email, password } })

let made = 0
async function newUser() {
  made++
  const email = `throttled${made}@parley.test`
  const password = `throttled${made}-password`
  await first.app.domain.accounts.createUser({ companyId: first.demo.company.id, email, password })
  return { email, password }
}

test('the 11th wrong password for one account is refused on every instance and surface, with Retry-After', async () => {
  const user = await newUser()
  for (let attempt = 1; attempt <= 10; attempt++) {
    const parley = attempt % 2 === 0 ? first : second
    const response = await storefrontLogin(parley, user.email, `wrong-${attempt}`)
    assert.equal(response.status, 400, `attempt ${attempt} is answered`)
  }
  const storefront = await storefrontLogin(first, user.email, 'wrong-11')
  assert.equal(storefront.status, 429)
  const [, seconds] = THROTTLED.exec(storefront.body.detail) ?? []
  assert.ok(seconds, `DRF's words: ${storefront.text}`)
  assert.equal(storefront.headers.get('retry-after'), seconds)
  assert.ok(Number(seconds) > 0 && Number(seconds) <= 900)

  const vendor = await vendorLogin(second, user.email.toUpperCase(), 'wrong-12')
  assert.equal(vendor.status, 429)
  assert.deepEqual(vendor.body, { error: { code: 'too_many_requests', message: 'Too many requests.' } })
  assert.ok(Number(vendor.headers.get('retry-after')) > 0)

  const right = await storefrontLogin(second, user.email, user.password)
  assert.equal(right.status, 429, 'the right password does not get past the throttle either')
})

test('logins that succeed do not count', async () => {
  const user = await newUser()
  for (let attempt = 1; attempt <= 15; attempt++) {
    const response = await storefrontLogin(attempt % 2 ? first : second, user.email, user.password)
    assert.equal(response.status, 200, `login ${attempt}`)
  }
  for (let attempt = 1; attempt <= 10; attempt++) {
    assert.equal((await vendorLogin(first, user.email, 'wrong')).status, 422, `wrong password ${attempt}`)
  }
  assert.equal((await vendorLogin(first, user.email, 'wrong')).status, 429)
})

test('a throttled login is logged by rule, address and a hash of the account, without the email or password', () => {
  const lines = log.filter((line) => line.includes('request throttled'))
  assert.ok(lines.length > 0)
  const entry = JSON.parse(lines[0] as string)
  assert.equal(entry.throttle, 'login:account')
  assert.match(entry.client, /^login:account:[0-9a-f]{32}$/)
  assert.ok(entry.retryAfterSeconds > 0)
  for (const line of log) {
    assert.doesNotMatch(line, /throttled\d+@parley\.test/i, 'no email')
    assert.doesNotMatch(line, /wrong-\d+|throttled\d+-password/, 'no password')
  }
})

test('one address failing on many accounts is throttled past LOGIN_FAILURES_PER_ADDRESS', async (t) => {
  const parley = await startTestApp({ env: { LOGIN_FAILURES_PER_ADDRESS: '3' } })
  t.after(() => parley.close())
  for (let attempt = 1; attempt <= 3; attempt++) {
    const response = await storefrontLogin(parley, `nobody${attempt}@parley.test`, 'guess')
    assert.equal(response.status, 400, `attempt ${attempt}`)
  }
  const refused = await vendorLogin(parley, 'nobody4@parley.test', 'guess')
  assert.equal(refused.status, 429)
  assert.ok(Number(refused.headers.get('retry-after')) > 0)
})
