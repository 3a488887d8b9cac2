import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { loggedIn } from '../storefront/conversations-fixtures.ts'
import { addProduct, vendorLogin } from '../vendor/fixtures.ts'
import { otherCompany } from './other-company.ts'
import { signedInStaff } from './staff-session.ts'

let parley: TestApp
let inbox: HttpClient

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  inbox = await signedInStaff(parley)
})
after(() => parley.close())

/** Alice asks the demo seller about a new product on the vendor surface: a conversation with a seller. */
async function sellerDialog(text = 'Is it still available?') {
  const alice = await vendorLogin(parley, 'alice')
  const productId = await addProduct(parley, `Part ${crypto.randomUUID()}`)
  const created = await alice.post('/vendor/conversations', {
    json: { product_id: productId, message: text },
  })
  assert.equal(created.status, 201)
  return { id: created.body.data.id as number, productId, alice }
}

/** Bob writes to the shop itself on the storefront: a conversation with the staff. */
async function shopConversation(text = 'Where is my order?') {
  const bob = await loggedIn(parley, 'bob')
  const created = await bob.post('/users/conversations/', {
    json: {
      message_content: text,
      user_type: 'registered',
      content_type: 'user',
      content_id: parley.demo.users.bob.id,
    },
  })
  assert.equal(created.status, 201)
  return { id: created.body.id as number, bob }
}

const idsOf = (page: { results: { id: number }[] }) => page.results.map((item) => item.id)

test('the list holds every surface’s conversations with who, what and how much is unread', async () => {
  const dialog = await sellerDialog()
  const shop = await shopConversation()
  const list = await inbox.get('/api/conversations/?page_size=100')
  assert.equal(list.status, 200)
  assert.ok(idsOf(list.body).includes(dialog.id) && idsOf(list.body).includes(shop.id))
  assert.ok(list.body.total_unread >= 2)
  const item = list.body.results.find((one: { id: number }) => one.id === dialog.id)
  assert.equal(item.counterparty, 'seller')
  assert.equal(item.status, 'open')
  assert.equal(item.unread_count, 1)
  assert.deepEqual(item.seller, { id: parley.demo.sellers.bmw.id, name: 'BMW Parts Store' })
  assert.equal(item.customer.id, parley.demo.users.alice.id)
  assert.equal(item.product.id, dialog.productId)
  assert.equal(item.order_item, null)
  assert.equal(item.assignee, null)
  assert.equal(item.last_message.sender_role, 'customer')
  assert.equal(item.last_message.text, 'Is it still available?')
  const other = list.body.results.find((one: { id: number }) => one.id === shop.id)
  assert.equal(other.counterparty, 'shop')
  assert.equal(other.seller, null)

  const bySeller = await inbox.get(`/api/conversations/?seller=${parley.demo.sellers.bmw.id}&page_size=100`)
  assert.ok(idsOf(bySeller.body).includes(dialog.id) && !idsOf(bySeller.body).includes(shop.id))
  const searched = await inbox.get('/api/conversations/?search=where%20order')
  assert.deepEqual(idsOf(searched.body), [shop.id])
})

test('a staff reply shows on /users/conversations/ (unread for the customer) and on /vendor/ for the seller', async () => {
  const { id, alice } = await sellerDialog('Does it fit an E46?')
  const answered = await inbox.post(`/api/conversations/${id}/messages/`, {
    json: { text: 'Yes, every E46.' },
  })
  assert.equal(answered.status, 201)
  assert.equal(answered.body.text, 'Yes, every E46.')
  assert.equal(answered.body.sender.role, 'staff')
  assert.equal(answered.body.sender.id, parley.demo.users.staff.id)
  assert.equal(answered.body.is_read, false)

  const storefront = await loggedIn(parley, 'alice')
  const thread = await storefront.get(`/users/conversations/${id}/`)
  assert.equal(thread.status, 200)
  assert.deepEqual(
    thread.body.message_set.map((message: { message_content: string }) => message.message_content),
    ['Does it fit an E46?', 'Yes, every E46.'],
  )
  // The storefront tells its customer of unread messages on its event stream.
  const stream = await openEventStream(
    `${parley.baseUrl}/users/events?last_event_id=0`,
    storefront.cookieHeader(),
  )
  const unreadOne = (event: { event: string; data: { data: Record<string, unknown> } }) =>
    event.event === 'conversation.updated' &&
    event.data.data.conversation_id === id &&
    event.data.data.unread_count === 1
  const deadline = Date.now() + 10_000
  while (!stream.events.some(unreadOne)) {
    assert.ok(Date.now() < deadline, 'the customer was not told of an unread message')
    await stream.next(stream.events.length + 1).catch(() => undefined)
  }
  await stream.close()

  const buyerDialogs = await alice.get('/vendor/conversations?limit=100')
  assert.equal(buyerDialogs.body.data.find((dialog: { id: number }) => dialog.id === id).unread_count, 1)
  const seller = await vendorLogin(parley, 'seller')
  const sellerView = await seller.get(`/vendor/conversations/${id}/messages`)
  assert.equal(sellerView.status, 200)
  const staffMessage = sellerView.body.data.find(
    (message: { text: string }) => message.text === 'Yes, every E46.',
  )
  // From the shop's staff: neither of the dialog's two participants (a staff user's id could be the seller's).
  assert.equal(staffMessage.sender_id, 0)
  const sellerDialogs = await seller.get('/vendor/conversations?limit=100')
  assert.equal(
    sellerDialogs.body.data.find((dialog: { id: number }) => dialog.id === id).last_message.sender_id,
    0,
  )

  const staffThread = await inbox.get(`/api/conversations/${id}/`)
  assert.equal(staffThread.body.status, 'answered')
  assert.equal(staffThread.body.unread_count, 0, 'writing, staff have read it')
  assert.deepEqual(
    staffThread.body.messages.map((message: { sender: { role: string } }) => message.sender.role),
    ['customer', 'staff'],
  )
})

test('notes are in the staff thread only: not on the storefront, the vendor or the shop surface, nor their events', async () => {
  const { id, alice } = await sellerDialog()
  const marker = `note-${crypto.randomUUID()}`
  const noted = await inbox.post(`/api/conversations/${id}/notes/`, {
    json: { body: `Refund if asked ${marker}` },
  })
  assert.equal(noted.status, 201)
  assert.equal(noted.body.author.id, parley.demo.users.staff.id)
  // A reply after the note: once the parties' streams show it, they have shown everything before it.
  const sentinel = `sentinel-${crypto.randomUUID()}`
  assert.equal(
    (await inbox.post(`/api/conversations/${id}/messages/`, { json: { text: sentinel } })).status,
    201,
  )

  const thread = await inbox.get(`/api/conversations/${id}/`)
  assert.deepEqual(
    thread.body.notes.map((note: { body: string }) => note.body),
    [`Refund if asked ${marker}`],
  )
  const storefront = await loggedIn(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const shopApi = withToken(parley.baseUrl, parley.demo.users.admin.token, 'Bearer')
  const pages = [
    await storefront.get(`/users/conversations/${id}/`),
    await storefront.get('/users/conversations/'),
    await alice.get(`/vendor/conversations/${id}/messages`),
    await seller.get(`/vendor/conversations/${id}`),
    await seller.get(`/vendor/conversations/${id}/messages`),
    await shopApi.get(`/v3/conversation/${id}`),
  ]
  for (const page of pages) {
    assert.equal(page.status, 200, page.text)
    assert.ok(!page.text.includes(marker), 'a note leaked onto a party’s surface')
  }
  for (const [url, client] of [
    [`${parley.baseUrl}/users/events?last_event_id=0`, storefront],
    [`${parley.baseUrl}/vendor/events?last_event_id=0`, seller],
  ] as const) {
    const stream = await openEventStream(url, client.cookieHeader())
    while (!JSON.stringify(stream.events).includes(sentinel)) await stream.next(stream.events.length + 1)
    await stream.close()
    assert.ok(!JSON.stringify(stream.events).includes(marker), `a note leaked into ${url}`)
    assert.ok(!stream.events.some((event) => event.event === 'note.created'))
  }
})

test('PATCH assigns, answers, archives and brings back; the filters follow', async () => {
  const { id } = await sellerDialog()
  const { staff, alice } = parley.demo.users
  const assigned = await inbox.patch(`/api/conversations/${id}/`, { json: { assignee: staff.id } })
  assert.equal(assigned.status, 200)
  assert.equal(assigned.body.assignee.id, staff.id)
  const mine = await inbox.get(`/api/conversations/?assignee=${staff.id}&page_size=100`)
  assert.ok(idsOf(mine.body).includes(id))
  const unassigned = await inbox.get('/api/conversations/?assignee=none&page_size=100')
  assert.ok(!idsOf(unassigned.body).includes(id))

  const archived = await inbox.patch(`/api/conversations/${id}/`, { json: { status: 'archived' } })
  assert.equal(archived.body.status, 'archived')
  assert.equal(archived.body.archived, true)
  assert.ok(idsOf((await inbox.get('/api/conversations/?status=archived&page_size=100')).body).includes(id))
  assert.ok(!idsOf((await inbox.get('/api/conversations/?status=open&page_size=100')).body).includes(id))
  const answered = await inbox.patch(`/api/conversations/${id}/`, { json: { status: 'answered' } })
  assert.equal(answered.body.status, 'answered')
  assert.equal(answered.body.archived, false)
  const reopened = await inbox.patch(`/api/conversations/${id}/`, { json: { status: 'open' } })
  assert.equal(reopened.body.status, 'open')

  const wrong = await inbox.patch(`/api/conversations/${id}/`, {
    json: { assignee: alice.id, status: 'deleted' },
  })
  assert.equal(wrong.status, 400)
  assert.deepEqual(wrong.body, {
    assignee: [`Invalid pk "${alice.id}" - object does not exist.`],
    status: ['"deleted" is not a valid choice.'],
  })
})

test('read: the staff unread count goes to 0; unread first, and the unread filter', async () => {
  const first = await sellerDialog()
  const second = await sellerDialog()
  assert.equal((await inbox.post(`/api/conversations/${first.id}/read/`)).status, 204)
  const detail = await inbox.get(`/api/conversations/${first.id}/`)
  assert.equal(detail.body.unread_count, 0)
  const unread = await inbox.get('/api/conversations/?unread=true&page_size=100')
  assert.ok(idsOf(unread.body).includes(second.id) && !idsOf(unread.body).includes(first.id))
  const read = await inbox.get('/api/conversations/?unread=false&page_size=100')
  assert.ok(idsOf(read.body).includes(first.id))
  const ordered = (await inbox.get('/api/conversations/?ordering=unread&page_size=100')).body.results
  const firstRead = ordered.findIndex((item: { unread_count: number }) => item.unread_count === 0)
  assert.ok(ordered.slice(firstRead).every((item: { unread_count: number }) => item.unread_count === 0))
})

test('a customer reading a shop conversation, and staff reading it, show as receipts', async () => {
  const { id, bob } = await shopConversation('Any news?')
  await inbox.post(`/api/conversations/${id}/read/`)
  await inbox.post(`/api/conversations/${id}/messages/`, { json: { text: 'Shipped today.' } })
  const thread = (await inbox.get(`/api/conversations/${id}/`)).body
  assert.equal(thread.messages[0].is_read, true, 'the staff read the customer’s message')
  assert.equal(thread.messages[1].is_read, false)
  assert.equal((await bob.get(`/users/conversations/${id}/`)).status, 200)
})

test('delete needs a reason, leaves every party’s surface, and stays listed as deleted', async () => {
  const { id, alice } = await sellerDialog()
  const noReason = await inbox.delete(`/api/conversations/${id}/`, { body: { json: {} } })
  assert.equal(noReason.status, 400)
  assert.deepEqual(noReason.body, { reason: ['This field is required.'] })
  const deleted = await inbox.delete(`/api/conversations/${id}/`, { body: { json: { reason: 'Spam' } } })
  assert.equal(deleted.status, 204)
  assert.equal((await alice.get(`/vendor/conversations/${id}`)).status, 404)
  const listed = await inbox.get('/api/conversations/?status=deleted&page_size=100')
  assert.ok(idsOf(listed.body).includes(id))
  assert.equal((await inbox.get(`/api/conversations/${id}/`)).body.status, 'deleted')
  assert.ok(!idsOf((await inbox.get('/api/conversations/?page_size=100')).body).includes(id))
  const reply = await inbox.post(`/api/conversations/${id}/messages/`, { json: { text: 'Too late' } })
  assert.equal(reply.status, 404)
})

test('another company’s staff get 404 for every conversation route; customers 403; a session write needs CSRF', async () => {
  const { id } = await sellerDialog()
  const stranger = withToken(parley.baseUrl, (await otherCompany(parley)).token)
  const attempts = [
    await stranger.get(`/api/conversations/${id}/`),
    await stranger.patch(`/api/conversations/${id}/`, { json: { archived: true } }),
    await stranger.delete(`/api/conversations/${id}/`, { body: { json: { reason: 'x' } } }),
    await stranger.post(`/api/conversations/${id}/messages/`, { json: { text: 'x' } }),
    await stranger.post(`/api/conversations/${id}/notes/`, { json: { body: 'x' } }),
    await stranger.post(`/api/conversations/${id}/read/`),
  ]
  for (const response of attempts) assert.equal(response.status, 404, response.text)
  assert.ok(!idsOf((await stranger.get('/api/conversations/')).body).includes(id))
  const customer = withToken(parley.baseUrl, parley.demo.users.alice.token)
  assert.equal((await customer.get('/api/conversations/')).status, 403)
  const forged = await inbox.post(`/api/conversations/${id}/notes/`, { json: { body: 'x' } }, { csrf: false })
  assert.equal(forged.status, 403)
  const thread = await inbox.get(`/api/conversations/${id}/`)
  assert.deepEqual(thread.body.notes, [])
  assert.equal(thread.body.archived, false)
})

test('a message’s image is served to staff from its image_url, and to nobody of another company', async () => {
  const { id, alice } = await sellerDialog()
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(64, 7),
  ])
  const sent = await alice.post(`/vendor/conversations/${id}/messages`, {
    multipart: { image: { filename: 'part.png', content: png, type: 'image/png' } },
  })
  assert.equal(sent.status, 201)
  const thread = (await inbox.get(`/api/conversations/${id}/`)).body
  const url = thread.messages.at(-1).image_url
  assert.equal(url, `/api/conversations/${id}/messages/${sent.body.data.id}/image/`)
  const image = await fetch(`${parley.baseUrl}${url}`, { headers: inbox.cookieHeader() })
  assert.equal(image.status, 200)
  assert.equal(image.headers.get('content-type'), 'image/png')
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), png)
  const stranger = withToken(parley.baseUrl, (await otherCompany(parley)).token)
  assert.equal((await stranger.get(url)).status, 404)
  assert.equal(
    (await inbox.get(`/api/conversations/${id}/messages/${thread.messages[0].id}/image/`)).status,
    404,
  )
})

test('a message’s image of several megabytes is served to staff byte for byte, with its length', async () => {
  const { id, alice } = await sellerDialog()
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    randomBytes(4 * 1024 * 1024),
  ])
  const sent = await alice.post(`/vendor/conversations/${id}/messages`, {
    multipart: { image: { filename: 'large.png', content: png, type: 'image/png' } },
  })
  assert.equal(sent.status, 201)
  const url = `/api/conversations/${id}/messages/${sent.body.data.id}/image/`
  const image = await fetch(`${parley.baseUrl}${url}`, { headers: inbox.cookieHeader() })
  assert.equal(image.status, 200)
  assert.equal(image.headers.get('content-type'), 'image/png')
  assert.equal(image.headers.get('content-length'), String(png.length))
  assert.equal(image.headers.get('cache-control'), 'private, no-store')
  assert.ok(Buffer.from(await image.arrayBuffer()).equals(png), 'byte for byte')
})
