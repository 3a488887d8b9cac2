import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import { rowsOf } from '../../src/db/rows.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { HttpClient, type Response, withToken } from '../helpers/http-client.ts'
import { startTestApp } from '../helpers/test-app.ts'
import { vendorLogin } from '../surfaces/vendor/fixtures.ts'

// PGlite runs in the process: there is no connection to lose.
const serverUrl = process.env.DATABASE_URL
const skip = serverUrl?.startsWith('postgres') ? false : 'needs PostgreSQL (DATABASE_URL)'

/** Each surface's 503, as its clients parse it. */
const unavailable = {
  drf: { detail: 'Service temporarily unavailable, try again later.' },
  vendor: { error: { code: 'service_unavailable', message: 'Service temporarily unavailable.' } },
  shop: {
    success: false,
    code: 'service_unavailable',
    message: 'Service temporarily unavailable.',
    documentation_url: '/docs',
    data: null,
  },
}

/** Fails when a request has not been answered in a generous bound: a request that hangs is the bug. */
async function answered(request: Promise<Response>, what: string) {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hung`)), 60_000)
  })
  try {
    return await Promise.race([request, hang])
  } finally {
    clearTimeout(timer)
  }
}

test('database connections killed mid-load: no request hangs or answers 500, and the next ones succeed', {
  skip,
}, async (t) => {
  const parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '100000' } })
  t.after(() => parley.close())
  const { admin, alice } = parley.demo.users
  const customer = new HttpClient(parley.baseUrl)
  assert.equal((await customer.login(alice.email, alice.password)).status, 200)
  const guest = await guestBrowser(parley)
  const vendor = await vendorLogin(parley, 'seller')
  const shop = withToken(parley.baseUrl, admin.token, 'Bearer')
  const staff = withToken(parley.baseUrl, admin.token)
  const calls: { name: string; shape: keyof typeof unavailable; send: () => Promise<Response> }[] = [
    { name: 'storefront inbox', shape: 'drf', send: () => customer.get('/users/conversations/') },
    {
      name: 'contact-us',
      shape: 'drf',
      send: () => guest.post('/users/contact-us/', { json: validForm(parley) }),
    },
    { name: 'vendor inbox', shape: 'vendor', send: () => vendor.get('/vendor/conversations') },
    { name: 'shop list', shape: 'shop', send: () => shop.get('/v3/conversation') },
    { name: 'staff contacts', shape: 'drf', send: () => staff.get('/api/contacts/') },
  ]

  const [{ name }] = rowsOf<{ name: string }>(
    await parley.db.execute(sql`select current_database() as name`),
  ) as [{ name: string }]
  const url = new URL(serverUrl as string)
  url.pathname = `/${name}`
  // A connection of its own per round: other tests on the same server may be killing backends too.
  const killAll = async () => {
    const killer = new pg.Client({ connectionString: url.toString() })
    killer.on('error', () => {})
    await killer.connect()
    try {
      const result = await killer.query(
        `select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid()`,
      )
      return result.rows[0].killed as number
    } finally {
      await killer.end().catch(() => {})
    }
  }

  const outcomes: { name: string; shape: keyof typeof unavailable; response: Response }[] = []
  let running = true
  const loop = async (offset: number) => {
    for (let index = offset; running; index++) {
      const call = calls[index % calls.length] as (typeof calls)[number]
      const response = await answered(call.send(), call.name)
      outcomes.push({ name: call.name, shape: call.shape, response })
    }
  }
  const loops = [0, 1, 2, 3, 4, 5, 6, 7].map(loop)
  const done = async (count: number) => {
    while (outcomes.length < count) await new Promise((resolve) => setImmediate(resolve))
  }
  let killed = 0
  for (let round = 1; round <= 3; round++) {
    await done(round * 40)
    killed += await killAll()
  }
  await done(160)
  running = false
  await Promise.all(loops)

  assert.ok(killed > 0, 'the load was running on connections that were killed')
  for (const { name, shape, response } of outcomes) {
    assert.ok(
      response.status < 300 || response.status === 503,
      `${name} answered ${response.status}: ${response.text}`,
    )
    if (response.status === 503) {
      assert.deepEqual(response.body, unavailable[shape], `${name}'s 503 is in its surface's shape`)
      assert.equal(response.headers.get('retry-after'), '1')
    }
  }
  // Healed without a restart: every kind of request succeeds again.
  for (const call of calls) {
    const response = await answered(call.send(), call.name)
    assert.ok(response.status < 300, `${call.name} after the kills: ${response.status} ${response.text}`)
  }
})
