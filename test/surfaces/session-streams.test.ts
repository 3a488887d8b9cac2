import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { createNotifier } from '../../src/db/notifier.ts'
import { users } from '../../src/db/schema/index.ts'
import { announceEvents, eventsRepository } from '../../src/domain/events/events-repository.ts'
import { HttpClient } from '../helpers/http-client.ts'
import { openEventStream, type SseEnd } from '../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { vendorClient } from './vendor/fixtures.ts'

// Two instances on one database: a logout on one must end the session's streams held open by the other.
let first: TestApp
let second: TestApp

before(async () => {
  first = await startTestApp()
  second = await startTestApp({ shared: { database: first.database, dataDir: first.dataDir } })
})
after(async () => {
  await second.close()
  await first.close()
})

/**
 * Fails if the server has not ended `stream` within a generous bound (the end itself is what is awaited), or
 * if it broke instead of ending.
 */
async function endOf(stream: { ended: Promise<SseEnd> }, what: string) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} is still open`)), 15_000)
  })
  try {
    const end = await Promise.race([stream.ended, timeout])
    assert.equal(end.by, 'server', `${what} was ended by the server: ${JSON.stringify(end)}`)
  } finally {
    clearTimeout(timer)
  }
}

/** Records an event for one party and announces it, as a committed write does. */
async function recordFor(party: { partyType: 'customer' | 'seller'; partyId: number }, text: string) {
  const eventKeys = await eventsRepository.record(
    first.db,
    first.demo.company.id,
    [party],
    'message.created',
    { conversationId: 1, text },
  )
  const notifier = createNotifier(first.db, (error) => assert.fail(String(error)))
  announceEvents(notifier, { eventKeys })
  await notifier.settle()
}

test('a storefront logout ends the session’s streams on every instance, and only that session’s', async () => {
  const { email, password } = first.demo.users.alice
  const leaving = new HttpClient(first.baseUrl)
  assert.equal((await leaving.login(email, password)).status, 200)
  const staying = new HttpClient(first.baseUrl)
  assert.equal((await staying.login(email, password)).status, 200)

  const here = await openEventStream(`${first.baseUrl}/users/events`, leaving.cookieHeader())
  const there = await openEventStream(`${second.baseUrl}/users/events`, leaving.cookieHeader())
  const other = await openEventStream(`${second.baseUrl}/users/events`, staying.cookieHeader())
  assert.deepEqual([here.status, there.status, other.status], [200, 200, 200])
  // Each stream delivers before the logout: an end after it is the logout's doing, not a stream that never ran.
  const alice = { partyType: 'customer', partyId: first.demo.users.alice.id } as const
  await recordFor(alice, 'before the logout')
  for (const stream of [here, there, other]) {
    assert.equal((await stream.next(1))[0]?.data.data.text, 'before the logout')
  }

  assert.equal((await leaving.post('/users/logout/')).status, 200)
  await endOf(here, 'the stream on the instance that logged out')
  await endOf(there, 'the stream on the other instance')

  await recordFor(alice, 'after the logout')
  const [, event] = await other.next(2)
  assert.equal(event?.data.data.text, 'after the logout', 'the other session’s stream still delivers')
  assert.equal(here.events.length, 1)
  assert.equal(there.events.length, 1)
  await other.close()
})

test('a vendor logout ends the session’s vendor streams on every instance', async () => {
  const { email, password } = first.demo.users.seller
  const vendor = vendorClient(first.baseUrl)
  assert.equal((await vendor.post('/vendor/auth/login', { json: { email, password } })).status, 200)
  const stream = await openEventStream(`${second.baseUrl}/vendor/events`, vendor.cookieHeader())
  assert.equal(stream.status, 200)
  await recordFor({ partyType: 'seller', partyId: first.demo.sellers.bmw.id }, 'before the logout')
  assert.equal((await stream.next(1))[0]?.data.data.text, 'before the logout', 'the stream delivers')
  assert.equal((await vendor.post('/vendor/auth/logout')).status, 204)
  await endOf(stream, 'the vendor stream')
})

test('a deactivated user’s streams end too', async () => {
  const user = await first.app.domain.accounts.createUser({
    companyId: first.demo.company.id,
    email: 'deactivated@parley.test',
    password: 'deactivated-password',
  })
  const client = new HttpClient(second.baseUrl)
  assert.equal((await client.login('deactivated@parley.test', 'deactivated-password')).status, 200)
  const stream = await openEventStream(`${second.baseUrl}/users/events`, client.cookieHeader())
  assert.equal(stream.status, 200)
  await recordFor({ partyType: 'customer', partyId: user.id }, 'while active')
  assert.equal((await stream.next(1))[0]?.data.data.text, 'while active', 'the stream delivers')
  // As the staff sync or an admin would: the database tells every instance of the change.
  await first.db.update(users).set({ isActive: false }).where(eq(users.id, user.id))
  await endOf(stream, 'the deactivated user’s stream')
})
