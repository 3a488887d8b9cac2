import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { openEventStream, type SseEvent } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, vendorLogin } from '../vendor/fixtures.ts'
import { otherCompany } from './other-company.ts'
import { signedInStaff } from './staff-session.ts'

let parley: TestApp
let inbox: HttpClient

before(async () => {
  parley = await startTestApp({ runWorkers: false, env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
  inbox = await signedInStaff(parley)
})
after(() => parley.close())

type Stream = Awaited<ReturnType<typeof openEventStream>>

const staffStream = (headers: Record<string, string>, lastEventId?: string) =>
  openEventStream(`${parley.baseUrl}/api/events`, {
    ...headers,
    ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
  })

/** Waits for the first event of the stream that `matches`. */
async function eventWhere(stream: Stream, matches: (event: SseEvent) => boolean, what: string) {
  const deadline = Date.now() + 10_000
  for (;;) {
    const found = stream.events.find(matches)
    if (found) return found
    assert.ok(Date.now() < deadline, `no ${what} event; got ${JSON.stringify(stream.events)}`)
    await stream.next(stream.events.length + 1).catch(() => undefined)
  }
}

const ofType = (type: string, key: string, value: unknown) => (event: SseEvent) =>
  event.event === type && event.data.type === type && event.data.data[key] === value

async function newContact() {
  const form = validForm(parley)
  assert.equal((await (await guestBrowser(parley)).post('/users/contact-us/', { json: form })).status, 200)
  const found = await inbox.get(`/api/contacts/?search=${encodeURIComponent(form.email)}`)
  return found.body.results[0].id as number
}

async function newDialog(text: string) {
  const alice = await vendorLogin(parley, 'alice')
  const productId = await addProduct(parley, `Part ${crypto.randomUUID()}`)
  const created = await alice.post('/vendor/conversations', {
    json: { product_id: productId, message: text },
  })
  assert.equal(created.status, 201)
  return { id: created.body.data.id as number, alice }
}

test('the company’s contacts, messages, notes, reads and updates stream live to its staff, each once', async () => {
  const stream = await staffStream(inbox.cookieHeader())
  assert.equal(stream.status, 200)
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/)
  const stranger = await staffStream({ authorization: `Token ${(await otherCompany(parley)).token}` })

  const contactId = await newContact()
  await eventWhere(stream, ofType('contact.created', 'id', contactId), 'contact.created')
  await inbox.patch(`/api/contacts/${contactId}/`, { json: { status: 'resolved' } })
  const updated = await eventWhere(stream, ofType('contact.updated', 'id', contactId), 'contact.updated')
  assert.equal(updated.data.data.status, 'resolved')
  await inbox.post(`/api/contacts/${contactId}/replies/`, { json: { body: 'Thanks!' } })
  await eventWhere(stream, ofType('contact.replied', 'id', contactId), 'contact.replied')

  const { id, alice } = await newDialog('Is it new?')
  const created = await eventWhere(
    stream,
    ofType('message.created', 'conversation_id', id),
    'message.created',
  )
  assert.equal(created.data.data.message.text, 'Is it new?')
  const note = await inbox.post(`/api/conversations/${id}/notes/`, { json: { body: 'VIP customer' } })
  await eventWhere(stream, ofType('note.created', 'id', note.body.id), 'note.created')
  await inbox.patch(`/api/conversations/${id}/`, { json: { assignee: parley.demo.users.staff.id } })
  const assigned = await eventWhere(
    stream,
    (event) =>
      ofType('conversation.updated', 'conversation_id', id)(event) && 'assignee_id' in event.data.data,
    'assignment',
  )
  assert.equal(assigned.data.data.assignee_id, parley.demo.users.staff.id)
  const staffReply = await inbox.post(`/api/conversations/${id}/messages/`, { json: { text: 'Brand new.' } })
  assert.equal((await alice.post(`/vendor/conversations/${id}/read`, { json: {} })).status, 200)
  const read = await eventWhere(stream, ofType('message.read', 'conversation_id', id), 'message.read')
  assert.equal(read.data.data.last_read_message_id, staffReply.body.id)

  const ids = stream.events.map((event) => event.id)
  assert.equal(new Set(ids).size, ids.length, 'no event twice')
  const messagesOfDialog = stream.events.filter(ofType('message.created', 'conversation_id', id))
  assert.equal(messagesOfDialog.length, 2, 'the customer’s message and the staff reply, once each')
  assert.ok(
    stream.events.every((event) => !('unread_count' in event.data.data)),
    'no party’s own unread count reaches the staff',
  )
  await stream.close()
  await stranger.close()
  assert.deepEqual(stranger.events, [], 'another company’s staff hear nothing of it')
})

test('a stream reconnecting with Last-Event-ID gets what it missed, and nothing before', async () => {
  const first = await staffStream(inbox.cookieHeader())
  const before = await newContact()
  const seen = await eventWhere(first, ofType('contact.created', 'id', before), 'the first contact')
  await first.close()
  const missed = await newContact()
  const { id } = await newDialog('While you were away')

  const resumed = await staffStream(inbox.cookieHeader(), seen.id)
  await eventWhere(resumed, ofType('contact.created', 'id', missed), 'the missed contact')
  await eventWhere(resumed, ofType('message.created', 'conversation_id', id), 'the missed message')
  assert.ok(resumed.events.every((event) => Number(event.id) > Number(seen.id)))
  assert.ok(!resumed.events.some(ofType('contact.created', 'id', before)))
  await resumed.close()

  const byQuery = await openEventStream(`${parley.baseUrl}/api/events?last_event_id=${seen.id}`, {
    authorization: `Token ${parley.demo.users.admin.token}`,
  })
  await eventWhere(byQuery, ofType('contact.created', 'id', missed), 'the missed contact, by key and query')
  await byQuery.close()
})

test('customers and anonymous callers get no staff stream', async () => {
  const customer = await fetch(`${parley.baseUrl}/api/events`, {
    headers: { authorization: `Token ${parley.demo.users.alice.token}` },
  })
  assert.equal(customer.status, 403)
  const anonymous = await fetch(`${parley.baseUrl}/api/events`)
  assert.equal(anonymous.status, 401)
  const session = withToken(parley.baseUrl, 'prl_nope')
  assert.equal((await session.get('/api/events')).status, 401)
})

test('a busy company’s stream keeps up: more events than a page re-reads do not hold new ones back', async () => {
  const stream = await staffStream(inbox.cookieHeader())
  // 1,200 events of the company after the stream began, more than the 1,000 ids a stream re-reads behind
  // the newest it sent.
  await parley.db.execute(sql`insert into events (company_id, party_type, party_id, type, payload)
    select ${parley.demo.company.id}, 'inbox', ${parley.demo.company.id}, 'contact.updated',
      jsonb_build_object('id', -n) from generate_series(1, 1200) n`)
  const first = await newContact()
  await eventWhere(stream, ofType('contact.created', 'id', first), 'the first contact after the burst')
  const second = await newContact()
  await eventWhere(stream, ofType('contact.created', 'id', second), 'the next contact')
  assert.equal(stream.events.filter((event) => event.data.data.id < 0).length, 1200)
  await stream.close()
})

test('signing out ends the session’s open staff stream', async () => {
  const browser = await signedInStaff(parley, 'admin')
  const stream = await staffStream(browser.cookieHeader())
  assert.equal(stream.status, 200)
  // The stream delivers before the sign-out: its end is the sign-out's doing, not a stream that never ran.
  const contactId = await newContact()
  await eventWhere(stream, ofType('contact.created', 'id', contactId), 'the contact made before signing out')
  assert.equal((await browser.post('/api/auth/logout/')).status, 204)
  const ended = await Promise.race([
    stream.ended,
    // A deadline no load reaches: the stream is expected to end at once.
    new Promise((resolve) => setTimeout(() => resolve('still open'), 30_000).unref()),
  ])
  assert.deepEqual(ended, { by: 'server' }, 'the server ends the stream with its session')
})
