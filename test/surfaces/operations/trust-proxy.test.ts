import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import Fastify from 'fastify'
import { loadConfig, type TrustProxy } from '../../../src/config.ts'
import { trustProxyOption } from '../../../src/surfaces/http/trust-proxy.ts'
import { validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

// Two instances on one database: one believes the proxy on loopback, the other (the default) believes no one.
let behindProxy: TestApp
let direct: TestApp

before(async () => {
  behindProxy = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1/8', CONTACT_US_RATE_PER_MINUTE: '2' } })
  direct = await startTestApp({
    env: { CONTACT_US_RATE_PER_MINUTE: '2' },
    shared: { database: behindProxy.database, dataDir: behindProxy.dataDir },
  })
})
after(async () => {
  await direct.close()
  await behindProxy.close()
})

/** What a proxy terminating TLS for `client` at shop.example adds to each request. */
const forwarded = (client: string) => ({
  'x-forwarded-for': client,
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'shop.example',
})

/** A browser behind the proxy: every request it makes carries the proxy's headers for its address. */
function browserAt(parley: TestApp, client: string) {
  const browser = new HttpClient(parley.baseUrl)
  const request = browser.request.bind(browser)
  browser.request = (method, path, options = {}) =>
    request(method, path, { ...options, headers: { ...forwarded(client), ...options.headers } })
  return browser
}

async function contactUs(parley: TestApp, client: string) {
  const browser = browserAt(parley, client)
  await browser.get('/users/contact-us-subjects/')
  return (await browser.post('/users/contact-us/', { json: validForm(parley) })).status
}

test('behind a trusted proxy, each forwarded client has its own contact-us throttle', async () => {
  assert.deepEqual(
    [await contactUs(behindProxy, '203.0.113.7'), await contactUs(behindProxy, '203.0.113.7')],
    [200, 200],
  )
  assert.equal(await contactUs(behindProxy, '203.0.113.7'), 429)
  assert.equal(await contactUs(behindProxy, '203.0.113.8'), 200, 'another client behind the same proxy')
})

test('without TRUST_PROXY, a forwarded address is not believed: every client is the socket’s', async () => {
  assert.deepEqual(
    [await contactUs(direct, '198.51.100.1'), await contactUs(direct, '198.51.100.2')],
    [200, 200],
  )
  assert.equal(await contactUs(direct, '198.51.100.3'), 429)
})

test('behind a proxy that terminates TLS, cookies are Secure and the forwarded origin is this host', async () => {
  const alice = behindProxy.demo.users.alice
  const browser = browserAt(behindProxy, '203.0.113.20')
  const first = await browser.get('/users/contact-us-subjects/')
  assert.match(first.headers.get('set-cookie') ?? '', /csrftoken=.*; Secure/i)
  const login = await browser.post(
    '/users/login/',
    { json: { email: alice.email, password: alice.password } },
    { headers: { origin: 'https://shop.example' } },
  )
  assert.equal(login.status, 200)
  const session = login.headers.getSetCookie().find((cookie) => cookie.startsWith('sessionid='))
  assert.match(session ?? '', /; Secure/i)

  // The same request straight to an instance that trusts no proxy: plain HTTP, and a foreign origin.
  const plain = browserAt(direct, '203.0.113.20')
  const plainFirst = await plain.get('/users/contact-us-subjects/')
  assert.doesNotMatch(plainFirst.headers.get('set-cookie') ?? '', /Secure/i)
  const refused = await plain.post(
    '/users/login/',
    { json: { email: alice.email, password: alice.password } },
    { headers: { origin: 'https://shop.example' } },
  )
  assert.equal(refused.status, 403)
})

test('TRUST_PROXY takes a hop count or addresses and ranges, and refuses anything else', () => {
  assert.equal(loadConfig({}).trustProxy, false)
  assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
  assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, true)
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,::1,fd00::/8,loopback' }).trustProxy, [
    '10.0.0.0/8',
    '192.168.1.5',
    '::1',
    'fd00::/8',
    'loopback',
  ])
  for (const bad of ['10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1', '::1/129']) {
    assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY: expected a hop count/, bad)
  }
  assert.equal(loadConfig({}).cookies.secure, 'auto')
  assert.equal(loadConfig({ COOKIE_SECURE: 'true' }).cookies.secure, true)
  assert.throws(() => loadConfig({ COOKIE_SECURE: 'sometimes' }), /COOKIE_SECURE/)
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN: must be at least 16/)
  assert.equal(loadConfig({ METRICS_PORT: '9464' }).metricsPort, 9464)
})

test('each form of TRUST_PROXY picks the client address Fastify reports', async () => {
  const clientBehind = async (trust: TrustProxy, forwardedFor: string) => {
    const app = Fastify({ logger: false, trustProxy: trustProxyOption(trust) })
    app.get('/', async (request) => request.ip)
    // inject comes from 127.0.0.1, the nearest proxy.
    const response = await app.inject({ url: '/', headers: { 'x-forwarded-for': forwardedFor } })
    await app.close()
    return response.body
  }
  const chain = '198.51.100.1, 203.0.113.9, 10.0.0.5'
  assert.equal(await clientBehind(false, chain), '127.0.0.1')
  assert.equal(await clientBehind(1, chain), '10.0.0.5')
  assert.equal(await clientBehind(2, chain), '203.0.113.9')
  assert.equal(await clientBehind(['127.0.0.1', '10.0.0.0/8'], chain), '203.0.113.9')
  assert.equal(await clientBehind(true, chain), '198.51.100.1')
})
