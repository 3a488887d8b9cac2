import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createNotifier } from '../../../src/db/notifier.ts'
import { announceEvents, eventsRepository } from '../../../src/domain/events/events-repository.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let alice: HttpClient

before(async () => {
  parley = await startTestApp()
  alice = new HttpClient(parley.baseUrl)
  await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
})
after(() => parley.close())

/** Records an event and announces it, as a committed write does. */
async function recordFor(partyType: 'customer' | 'seller', partyId: number, text: string) {
  const eventKeys = await eventsRepository.record(
    parley.db,
    parley.demo.company.id,
    [{ partyType, partyId }],
    'message.created',
    { conversationId: 1, text },
  )
  await announce(eventKeys)
}

/** Wakes the streams of the parties `eventKeys` names, as a committed write's notifier does. */
async function announce(eventKeys: string) {
  const notifier = createNotifier(parley.db, (error) => assert.fail(String(error)))
  announceEvents(notifier, { eventKeys })
  await notifier.settle()
}

test('an anonymous client cannot open the event stream', async () => {
  const response = await new HttpClient(parley.baseUrl).get('/users/events')
  assert.equal(response.status, 403)
  assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' })
})

test('the stream delivers the caller’s events as they commit, and not other users’', async () => {
  const stream = await openEventStream(`${parley.baseUrl}/users/events`, alice.cookieHeader())
  assert.equal(stream.status, 200)
  assert.match(stream.headers.get('content-type') ?? '', /text\/event-stream/)
  await recordFor('customer', parley.demo.users.bob.id, 'for bob')
  await recordFor('customer', parley.demo.users.alice.id, 'for alice')
  const [event] = await stream.next(1)
  assert.equal(event?.event, 'message.created')
  assert.equal(event?.data.data.text, 'for alice')
  assert.equal(event?.data.data.conversation_id, 1)
  assert.equal(stream.events.length, 1)
  await stream.close()
})

test('a client reconnecting with Last-Event-ID receives what it missed', async () => {
  const first = await openEventStream(`${parley.baseUrl}/users/events`, alice.cookieHeader())
  await recordFor('customer', parley.demo.users.alice.id, 'seen')
  const [seen] = await first.next(1)
  await first.close()
  await recordFor('customer', parley.demo.users.alice.id, 'missed one')
  await recordFor('customer', parley.demo.users.alice.id, 'missed two')
  const again = await openEventStream(`${parley.baseUrl}/users/events`, {
    ...alice.cookieHeader(),
    'last-event-id': seen?.id ?? '',
  })
  const missed = await again.next(2)
  assert.deepEqual(
    missed.map((event) => event.data.data.text),
    ['missed one', 'missed two'],
  )
  assert.ok(Number(missed[0]?.id) > Number(seen?.id))
  await again.close()
})

test('a member of a seller receives the seller’s events', async () => {
  const seller = new HttpClient(parley.baseUrl)
  await seller.login(parley.demo.users.seller.email, parley.demo.users.seller.password)
  const stream = await openEventStream(`${parley.baseUrl}/users/events`, seller.cookieHeader())
  await recordFor('seller', parley.demo.sellers.bmw.id, 'for the shop')
  const [event] = await stream.next(1)
  assert.equal(event?.data.data.text, 'for the shop')
  await stream.close()
})

test('every tab of a user receives each event, and a burst larger than a page arrives whole', async () => {
  const tabs = await Promise.all(
    [1, 2, 3].map(() => openEventStream(`${parley.baseUrl}/users/events`, alice.cookieHeader())),
  )
  // More than a stream reads at a time, committed at once: the stream must read on past its first page.
  const burst = 2500
  const eventKeys = await eventsRepository.recordEach(
    parley.db,
    parley.demo.company.id,
    Array.from({ length: burst }, (_, index) => ({
      party: { partyType: 'customer' as const, partyId: parley.demo.users.alice.id },
      type: 'message.created',
      payload: { conversationId: 1, text: `burst ${index}` },
    })),
  )
  await announce(eventKeys)
  for (const tab of tabs) {
    const received = await tab.next(burst)
    assert.equal(received.at(-1)?.data.data.text, `burst ${burst - 1}`)
    assert.equal(new Set(received.map((event) => event.id)).size, burst)
    await tab.close()
  }
})
