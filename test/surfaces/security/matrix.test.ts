import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { RouteOptions } from 'fastify'
import { createNotifier } from '../../../src/db/notifier.ts'
import { rowsOf } from '../../../src/db/rows.ts'
import { announceEvents, eventsRepository } from '../../../src/domain/events/events-repository.ts'
import { type Audience, inboxOf } from '../../../src/domain/events/party.ts'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient, type RequestOptions, type Response, withToken } from '../../helpers/http-client.ts'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { otherCompany } from '../staff/other-company.ts'
import { signedInStaff } from '../staff/staff-session.ts'
import { addProduct, strangerSeller, vendorClient, vendorLogin } from '../vendor/fixtures.ts'

// The security matrix (issue 30; unkey's common-tests.ts is the model): every route the app registers, as
// the app itself reports them, is given its surface's rules. A route no rule claims fails the first test, so
// a new route cannot ship without them.

type Route = { method: string; url: string }
const registered: Route[] = []
const METRICS_TOKEN = 'matrix-metrics-token'

let parley: TestApp
before(async () => {
  parley = await startTestApp({
    runWorkers: false,
    // /metrics is on the public port only behind a token: registered here so the matrix covers it.
    env: { METRICS_TOKEN, CONTACT_US_RATE_PER_MINUTE: '10000' },
    onRoute: (route: RouteOptions) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url })
    },
  })
  await makeObjects()
})
after(() => parley.close())

/** Routes any caller may reach, each with why; every other route of a surface refuses the anonymous. */
const PUBLIC = new Map<string, string>([
  // Storefront: signing in and out, the form and its subjects are for guests too (seed 000/001).
  ['POST /users/login/', 'signs in'],
  ['POST /users/logout/', 'ends whatever session the browser holds'],
  ['GET /users/contact-us-subjects/', 'the contact form’s subjects, shown to guests'],
  ['POST /users/contact-us/', 'guests may write to the shop'],
  ['GET /csrf_token/', 'hands out the CSRF token'],
  // Staff: signing in, out and asking who is signed in check the caller themselves (anyCaller).
  ['POST /api/auth/login/', 'signs in'],
  ['POST /api/auth/logout/', 'ends whatever session the browser holds'],
  // Vendor: signing in and out.
  ['POST /vendor/auth/login', 'signs in'],
  ['POST /vendor/auth/logout', 'ends whatever session the browser holds'],
  // Operations: probes for load balancers, and the API's own description.
  ['GET /healthz', 'liveness probe'],
  ['GET /readyz', 'readiness probe'],
  ['GET /openapi.json', 'the public API description'],
  // The inbox's built page and assets: the page holds no data, it signs in through /api/.
  ['GET /inbox/', 'static page'],
  ['GET /inbox/*', 'static files'],
])
/** Swagger UI (@fastify/swagger-ui) under /docs: the same public description, rendered. */
const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/')
const isPublic = (route: Route) =>
  isDocs(route.url) || PUBLIC.has(`${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`)

type SurfaceName = 'storefront' | 'staff' | 'vendor' | 'shop' | 'operations' | 'inbox' | 'docs'

/** The surface whose rules a route follows, or undefined when no rule claims it (a failure). */
function surfaceOf(url: string): SurfaceName | undefined {
  if (url.startsWith('/users/') || url === '/current_user/' || url === '/csrf_token/') return 'storefront'
  if (url.startsWith('/api/')) return 'staff'
  if (url.startsWith('/vendor/')) return 'vendor'
  if (url.startsWith('/v3/')) return 'shop'
  if (url.startsWith('/inbox/')) return 'inbox'
  if (isDocs(url)) return 'docs'
  if (['/healthz', '/readyz', '/metrics', '/openapi.json'].includes(url)) return 'operations'
  return undefined
}

const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE']
// Real objects of the demo company, so a refusal is about the caller, not a missing row.
const ids = { contact: 0, conversation: 0, vendorConversation: 0, vendorMessage: 0, endpoint: 0, email: 0 }

async function makeObjects() {
  const guest = await guestBrowser(parley)
  const form = validForm(parley)
  assert.equal((await guest.post('/users/contact-us/', { json: form })).status, 200)
  const [contact] = rowsOf<{ id: number }>(
    await parley.db.execute(sql`select id from contacts where email = ${form.email}`),
  )
  ids.contact = Number(contact?.id)
  const [email] = rowsOf<{ id: number }>(
    await parley.db.execute(sql`select id from outbox order by id limit 1`),
  )
  ids.email = Number(email?.id ?? 1)

  const alice = await vendorLogin(parley, 'alice')
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: await addProduct(parley, 'Matrix part'), message: 'Hello' },
  })
  assert.equal(opened.status, 201, opened.text)
  ids.vendorConversation = opened.body.data.id
  ids.conversation = opened.body.data.id
  const messages = await alice.get(`/vendor/conversations/${ids.conversation}/messages`)
  ids.vendorMessage = messages.body.data[0].id

  const admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  const endpoint = await admin.post('/api/webhook-endpoints/', {
    json: { url: 'https://hooks.example.com/matrix', events: ['contact.created'] },
  })
  assert.equal(endpoint.status, 201, endpoint.text)
  ids.endpoint = endpoint.body.id
}

/** A route's URL with its parameters filled with the demo company's objects. */
function pathOf({ url }: Route) {
  const id = url.startsWith('/api/contacts/')
    ? ids.contact
    : url.startsWith('/api/webhook-')
      ? ids.endpoint
      : url.startsWith('/api/contact-subjects/')
        ? parley.demo.subjects.general.id
        : ids.conversation
  return url
    .replace(':id', String(id))
    .replace(':email_id', String(ids.email))
    .replace(':message_id', String(ids.vendorMessage))
    .replace(':messageId', String(ids.vendorMessage))
    .replace(':key', 'CONTACT_US_SEND_USER')
    .replace('*', 'contacts/1')
}

const send = (client: HttpClient, route: Route, options: RequestOptions = {}) =>
  client.request(route.method, pathOf(route), {
    ...(UNSAFE.includes(route.method) ? { body: { json: {} } } : {}),
    ...options,
  })

const label = (route: Route, response: Response) =>
  `${route.method} ${route.url} → ${response.status} ${response.text.slice(0, 200)}`

/** Every table's rows, digested: a refused write must leave each one as it was. */
async function databaseDigest() {
  const tables = rowsOf<{ name: string }>(
    await parley.db.execute(
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ),
  )
  const digest: Record<string, string> = {}
  for (const { name } of tables) {
    const [row] = rowsOf<{ digest: string | null }>(
      await parley.db.execute(
        sql.raw(
          `select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from "${name}" t`,
        ),
      ),
    )
    digest[name] = String(row?.digest)
  }
  return digest
}

test('every registered route belongs to a surface whose rules it is checked against', () => {
  assert.ok(registered.length > 100, `only ${registered.length} routes were reported`)
  const unclaimed = registered.filter((route) => surfaceOf(route.url) === undefined)
  assert.deepEqual(unclaimed, [], 'a route no rule claims: give its surface rules in this file')
  const stale = [...PUBLIC.keys()].filter(
    (key) => !registered.some((route) => `${route.method} ${route.url}` === key),
  )
  assert.deepEqual(stale, [], 'the public allow-list names routes the app no longer has')
})

const NOT_PROVIDED = { detail: 'Authentication credentials were not provided.' }
const INVALID_TOKEN = { detail: 'Invalid token.' }

/** How each surface refuses a caller it does not know, in its own shape. */
const refusesUnknown: Record<SurfaceName, (response: Response, message: string) => void> = {
  storefront: (response, message) => {
    assert.equal(response.status, 403, message)
    assert.equal(typeof response.body.detail, 'string', message)
  },
  staff: (response, message) => {
    // Who-am-I answers 403 to the anonymous, as documented: the inbox reads it as "sign in".
    if (message.startsWith('GET /api/auth/me/ '))
      return assert.ok([401, 403].includes(response.status), message)
    assert.equal(response.status, 401, message)
    assert.equal(typeof response.body.detail, 'string', message)
    assert.equal(response.headers.get('www-authenticate'), 'Token', message)
  },
  vendor: (response, message) => {
    assert.equal(response.status, 401, message)
    assert.equal(response.body.error.code, 'unauthenticated', message)
  },
  shop: (response, message) => {
    assert.equal(response.status, 401, message)
    assert.equal(response.body.code, 'unauthorized', message)
  },
  operations: (response, message) => assert.equal(response.status, 401, message),
  inbox: () => assert.fail('the inbox has no guarded route'),
  docs: () => assert.fail('the docs have no guarded route'),
}

/** Each failing route is named, not only the first: one run shows the whole gap. */
async function eachRoute(routes: Route[], check: (route: Route) => Promise<void>) {
  const failures: string[] = []
  for (const route of routes) {
    try {
      await check(route)
    } catch (error) {
      failures.push((error as Error).message.split('\n')[0] as string)
    }
  }
  assert.deepEqual(failures, [])
}

const guarded = () => registered.filter((route) => !isPublic(route))
const surface = (route: Route) => surfaceOf(route.url) as SurfaceName

/** HEAD carries no body to read a shape from: its status is checked against GET's. */
function expectRefusal(route: Route, response: Response, body?: unknown) {
  const message = label(route, response)
  if (route.method === 'HEAD') {
    assert.ok([401, 403].includes(response.status), message)
    return
  }
  refusesUnknown[surface(route)](response, message)
  if (body !== undefined) assert.deepEqual(response.body, body, message)
}

test('anonymous: every guarded route refuses in its surface’s shape, every public one answers', async () => {
  // Each holds its surface's CSRF cookie and echoes it, so only the missing session is refused.
  const guest = await guestBrowser(parley)
  const vendorGuest = vendorClient(parley.baseUrl)
  await vendorGuest.get('/vendor/conversations')
  await eachRoute(registered, async (route) => {
    const response = await send(surface(route) === 'vendor' ? vendorGuest : guest, route)
    if (isPublic(route)) {
      assert.ok(![401, 403].includes(response.status) && response.status < 500, label(route, response))
      return
    }
    const shape = ['storefront', 'staff'].includes(surface(route)) ? NOT_PROVIDED : undefined
    expectRefusal(route, response, shape)
  })
})

test('a wrong credential: a junk key or a junk session cookie is refused on every guarded route', async () => {
  // Each holds its surface's CSRF cookie and echoes it, so only the session is wrong.
  const junkCookie = await guestBrowser(parley)
  junkCookie.cookies.set(parley.config.cookies.storefrontSession, 'junk')
  const junkVendorCookie = vendorClient(parley.baseUrl)
  await junkVendorCookie.get('/vendor/conversations')
  junkVendorCookie.cookies.set(parley.config.cookies.vendorSession, 'junk')
  const junkKey = {
    storefront: withToken(parley.baseUrl, 'junk'),
    staff: withToken(parley.baseUrl, 'prl_junk'),
    shop: withToken(parley.baseUrl, 'prl_junk', 'Bearer'),
    operations: withToken(parley.baseUrl, 'junk', 'Bearer'),
  }
  await eachRoute(guarded(), async (route) => {
    const name = surface(route)
    if (name !== 'operations' && name !== 'shop') {
      const response = await send(name === 'vendor' ? junkVendorCookie : junkCookie, route)
      expectRefusal(route, response, name === 'vendor' ? undefined : NOT_PROVIDED)
    }
    if (name in junkKey) {
      const response = await send(junkKey[name as keyof typeof junkKey], route)
      expectRefusal(route, response, name === 'storefront' || name === 'staff' ? INVALID_TOKEN : undefined)
    }
  })
})

test('a revoked key and an ended session are refused on every guarded route, as unknown ones are', async () => {
  const admin = parley.demo.users.admin
  const revoked = await parley.app.domain.accounts.createApiKey(admin.id, 'matrix-revoked')
  await parley.db.execute(sql`update api_keys set revoked_at = now() where name = 'matrix-revoked'`)
  const keys = {
    staff: withToken(parley.baseUrl, revoked),
    shop: withToken(parley.baseUrl, revoked, 'Bearer'),
  }
  // Signed in, then out: the browser still sends the cookies of the session that ended.
  const ended = await signedInStaff(parley, 'admin')
  const endedCookies = ended.cookieHeader()
  assert.equal((await ended.post('/api/auth/logout/')).status, 204)
  const endedVendor = await vendorLogin(parley, 'seller')
  const endedVendorCookies = endedVendor.cookieHeader()
  assert.equal((await endedVendor.post('/vendor/auth/logout')).status, 204)
  await eachRoute(guarded(), async (route) => {
    const name = surface(route)
    if (name === 'staff' || name === 'shop') {
      const response = await send(keys[name], route)
      expectRefusal(route, response, name === 'staff' ? INVALID_TOKEN : undefined)
    }
    if (name === 'staff' || name === 'storefront' || name === 'vendor') {
      // The CSRF token the session held is still sent, so only the ended session is refused.
      const client = name === 'vendor' ? endedVendor : ended
      const cookie = name === 'vendor' ? endedVendorCookies : endedCookies
      const token = cookie.cookie.match(new RegExp(`${client.csrfCookie}=([^;]+)`))?.[1] ?? ''
      const response = await send(client, route, { headers: { ...cookie, [client.csrfHeader]: token } })
      expectRefusal(route, response, name === 'vendor' ? undefined : NOT_PROVIDED)
    }
  })
})

test("a customer's key or session is forbidden on every staff and shop route", async () => {
  const alice = parley.demo.users.alice
  const clients = {
    token: withToken(parley.baseUrl, alice.token),
    session: new HttpClient(parley.baseUrl),
    bearer: withToken(parley.baseUrl, alice.token, 'Bearer'),
  }
  assert.equal((await clients.session.login(alice.email, alice.password)).status, 200)
  const forbidden = { detail: 'You do not have permission to perform this action.' }
  for (const route of guarded().filter((each) => surface(each) === 'staff')) {
    for (const client of [clients.token, clients.session]) {
      const response = await send(client, route)
      assert.equal(response.status, 403, label(route, response))
      // Who-am-I says why in its own words (the inbox shows them on its sign-in page).
      const expected = route.url === '/api/auth/me/' ? { detail: response.body.detail } : forbidden
      if (route.method !== 'HEAD') assert.deepEqual(response.body, expected, label(route, response))
      assert.equal(typeof response.body.detail, route.method === 'HEAD' ? 'undefined' : 'string')
    }
  }
  for (const route of guarded().filter((each) => surface(each) === 'shop')) {
    const response = await send(clients.bearer, route)
    assert.equal(response.status, 403, label(route, response))
    if (route.method !== 'HEAD') assert.equal(response.body.code, 'forbidden', label(route, response))
  }
})

test('the database digest sees a write, so "changed nothing" can fail', async () => {
  const admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  await assert.rejects(
    changesNothing(async () => {
      const response = await admin.post('/api/contact-subjects/', { json: { texts: { en: 'Matrix' } } })
      assert.equal(response.status, 201, response.text)
    }),
    /a refused request changed the database/,
  )
})

/** A refused write must leave every table as it was. */
async function changesNothing(refusals: () => Promise<void>) {
  const before = await databaseDigest()
  await refusals()
  assert.deepEqual(await databaseDigest(), before, 'a refused request changed the database')
}

const CROSS_SITE = /Origin checking failed|the Origin is not trusted/
// The storefront's logout answers its refusal with a page whose form carries the token, as Django's does.
const NO_TOKEN =
  /CSRF token (missing|mismatch|from the 'X-Csrftoken' HTTP header incorrect)|csrfmiddlewaretoken/
const JUNK_REFUSED = /Invalid token|CSRF token missing/

test('cookie sessions: every unsafe route refuses a missing or mismatched token, a foreign or null Origin and a junk Authorization, and writes nothing', async () => {
  const alice = parley.demo.users.alice
  const storefront = new HttpClient(parley.baseUrl)
  assert.equal((await storefront.login(alice.email, alice.password)).status, 200)
  const sessions: Partial<Record<SurfaceName, HttpClient>> = {
    storefront,
    staff: await signedInStaff(parley, 'admin'),
    vendor: await vendorLogin(parley, 'seller'),
  }
  const cookieRoutes = registered.filter(
    (route) => UNSAFE.includes(route.method) && surface(route) in sessions,
  )
  // Signing in is sent the right credentials: refused only for its Origin, it must open no session.
  const signIns = new Map([
    ['/users/login/', alice],
    ['/api/auth/login/', parley.demo.users.admin],
    ['/vendor/auth/login', parley.demo.users.seller],
  ])
  await changesNothing(() =>
    eachRoute(cookieRoutes, async (route) => {
      const client = sessions[surface(route)] as HttpClient
      // Each refusal is for the reason sent, in the surface's words: not a 403 for some other cause.
      const variants: [string, RequestOptions, RegExp][] = [
        ['foreign Origin', { headers: { origin: 'https://evil.example' } }, CROSS_SITE],
        ['null Origin', { headers: { origin: 'null' } }, CROSS_SITE],
      ]
      // Signing in makes its own token check; the Origin check still applies to it.
      if (!signIns.has(route.url))
        variants.push(
          ['no token', { csrf: false }, NO_TOKEN],
          ['mismatched token', { headers: { [client.csrfHeader]: 'mismatched0token' } }, NO_TOKEN],
          ['junk Authorization', { csrf: false, headers: { authorization: 'Bearer junk' } }, JUNK_REFUSED],
        )
      for (const [name, options, reason] of variants) {
        const user = signIns.get(route.url)
        const credentials = user && { body: { json: { email: user.email, password: user.password } } }
        const response = await send(client, route, { ...options, ...credentials })
        // An empty body too: the Origin is refused before the body is read.
        if (user) {
          const empty = await send(client, route, options)
          assert.match(empty.text, reason, `${name}, empty body: ${label(route, empty)}`)
        }
        assert.ok([401, 403].includes(response.status), `${name}: ${label(route, response)}`)
        assert.match(response.text, reason, `${name}: ${label(route, response)}`)
      }
    }),
  )
  // The sessions survived every refused logout.
  assert.equal((await storefront.get('/current_user/')).status, 200)
  assert.equal((await (sessions.staff as HttpClient).get('/api/auth/me/')).status, 200)
  assert.equal((await (sessions.vendor as HttpClient).get('/vendor/conversations')).status, 200)
})

/** Another company's admin (webhooks and settings are admins' only), by API key. */
async function otherAdmin() {
  const other = await otherCompany(parley)
  await parley.db.execute(sql`update users set is_superuser = true where company_id = ${other.companyId}`)
  return other.token
}

test("another company's key finds none of this company's objects (404) and changes nothing", async () => {
  const token = await otherAdmin()
  const staffKey = withToken(parley.baseUrl, token)
  const shopKey = withToken(parley.baseUrl, token, 'Bearer')
  const byId = registered.filter(
    (route) =>
      route.method !== 'HEAD' &&
      (surface(route) === 'staff' || surface(route) === 'shop') &&
      route.url.includes(':id'),
  )
  assert.ok(byId.length >= 20, `only ${byId.length} routes take an id`)
  await changesNothing(() =>
    eachRoute(byId, async (route) => {
      const response = await send(surface(route) === 'shop' ? shopKey : staffKey, route)
      assert.equal(response.status, 404, label(route, response))
      if (surface(route) === 'staff') assert.deepEqual(response.body, { detail: 'Not found.' })
    }),
  )
})

test("settings are per company: another company neither reads nor changes this one's", async () => {
  const other = withToken(parley.baseUrl, await otherAdmin())
  const admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  const key = '/api/settings/CONTACT_US_EMAIL_TO/'
  const ours = await admin.get(key)
  assert.equal(ours.status, 200)
  const theirs = await other.get(key)
  assert.equal(theirs.status, 200)
  assert.notDeepEqual(theirs.body.value, ours.body.value, 'the other company reads our recipients')
  const listed = await other.get('/api/settings/')
  assert.equal(JSON.stringify(listed.body).includes('orders@parley.test'), false)
  const changed = await other.put(key, { json: { value: { default: ['them@other.test'] } } })
  assert.equal(changed.status, 200, changed.text)
  assert.deepEqual((await admin.get(key)).body, ours.body)
})

test("another customer's or seller's session finds none of a conversation's routes (404) and changes nothing", async () => {
  const bob = parley.demo.users.bob
  const storefrontBob = new HttpClient(parley.baseUrl)
  assert.equal((await storefrontBob.login(bob.email, bob.password)).status, 200)
  const strangers: [string, HttpClient][] = [
    ['vendor bob', await vendorLogin(parley, 'bob')],
    ['a stranger seller', await strangerSeller(parley, 'matrix-stranger')],
  ]
  const byId = registered.filter(
    (route) =>
      route.method !== 'HEAD' &&
      (surface(route) === 'storefront' || surface(route) === 'vendor') &&
      route.url.includes(':id'),
  )
  assert.ok(byId.length >= 6, `only ${byId.length} routes take an id`)
  await changesNothing(() =>
    eachRoute(byId, async (route) => {
      const clients =
        surface(route) === 'storefront' ? [['storefront bob', storefrontBob] as const] : strangers
      for (const [who, client] of clients) {
        const response = await send(client, route)
        assert.equal(response.status, 404, `${who}: ${label(route, response)}`)
      }
    }),
  )
})

/** Records an event for the parties and announces it, as a committed write does. */
async function recordFor(companyId: number, parties: Audience[], text: string) {
  const eventKeys = await eventsRepository.record(parley.db, companyId, parties, 'message.created', {
    conversationId: ids.conversation,
    text,
  })
  const notifier = createNotifier(parley.db, (error) => assert.fail(String(error)))
  announceEvents(notifier, { eventKeys })
  await notifier.settle()
}

test("every event stream carries none of another party's events", async () => {
  const { users, sellers, company } = parley.demo
  const storefrontBob = new HttpClient(parley.baseUrl)
  assert.equal((await storefrontBob.login(users.bob.email, users.bob.password)).status, 200)
  const vendorBob = await vendorLogin(parley, 'bob')
  const other = await otherCompany(parley)
  const alice = { partyType: 'customer', partyId: users.alice.id } as const
  const bob = { partyType: 'customer', partyId: users.bob.id } as const
  // Per stream: a stranger's headers, this party's events it must not see, and one of its own.
  const rules: Record<
    string,
    { headers: Record<string, string>; others: Audience[]; own: [number, Audience] }
  > = {
    '/users/events': { headers: storefrontBob.cookieHeader(), others: [alice], own: [company.id, bob] },
    '/vendor/events': {
      headers: vendorBob.cookieHeader(),
      others: [alice, { partyType: 'seller', partyId: sellers.bmw.id }],
      own: [company.id, bob],
    },
    '/api/events': {
      headers: { authorization: `Token ${other.token}` },
      others: [alice, inboxOf(company.id)],
      own: [other.companyId, inboxOf(other.companyId)],
    },
  }
  const streams = registered.filter((route) => route.method === 'GET' && route.url.endsWith('/events'))
  assert.deepEqual(
    streams.map((route) => route.url).sort(),
    Object.keys(rules).sort(),
    'a stream without a rule',
  )
  for (const { url } of streams) {
    const rule = rules[url] as (typeof rules)[string]
    const stream = await openEventStream(`${parley.baseUrl}${url}`, rule.headers)
    assert.equal(stream.status, 200, url)
    await recordFor(company.id, rule.others, `not for the stranger on ${url}`)
    await recordFor(rule.own[0], [rule.own[1]], `the stranger's own on ${url}`)
    // A stream sends in the order events committed: once the stranger's own arrived, an earlier one never will.
    const [first] = await stream.next(1)
    await stream.close()
    assert.match(
      JSON.stringify(first?.data),
      /the stranger's own/,
      `${url}: ${JSON.stringify(stream.events)}`,
    )
    assert.equal(JSON.stringify(stream.events).includes('not for the stranger'), false, url)
  }
})
