import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, vendorLogin } from './fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

type Message = { id: number; text: string; is_delivered: boolean; is_read: boolean }

async function openDialog(buyer: HttpClient, title: string, message: string) {
  const productId = await addProduct(parley, title)
  const response = await buyer.post('/vendor/conversations', { json: { product_id: productId, message } })
  assert.equal(response.status, 201)
  return response.body.data.id as number
}

const messagesOf = async (client: HttpClient, id: number): Promise<Message[]> =>
  (await client.get(`/vendor/conversations/${id}/messages`)).body.data
const unreadOf = async (client: HttpClient, id: number): Promise<number> =>
  (await client.get(`/vendor/conversations/${id}`)).body.data.unread_count

test('receipts move as the recipient fetches and then reads', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const id = await openDialog(alice, 'Receipt part', 'Hello')
  const [sent] = await messagesOf(alice, id)
  assert.deepEqual([sent?.is_delivered, sent?.is_read], [false, false])

  // The seller fetching the messages is their delivery; it sees them delivered to itself at once.
  const [fetched] = await messagesOf(seller, id)
  assert.deepEqual([fetched?.is_delivered, fetched?.is_read], [true, false])
  const [delivered] = await messagesOf(alice, id)
  assert.deepEqual([delivered?.is_delivered, delivered?.is_read], [true, false])

  // Bodiless, with the JSON content type a client sends on every request: an empty body is no fields.
  const read = await seller.post(`/vendor/conversations/${id}/read`, {
    raw: '',
    contentType: 'application/json',
  })
  assert.equal(read.status, 200)
  assert.deepEqual(read.body.data, {
    conversation_id: id,
    last_read_message_id: sent?.id,
    last_delivered_message_id: sent?.id,
    unread_count: 0,
  })
  const [seen] = await messagesOf(alice, id)
  assert.deepEqual([seen?.is_delivered, seen?.is_read], [true, true])
  const dialog = await alice.get(`/vendor/conversations/${id}`)
  assert.equal(dialog.body.data.last_message.is_read, true)
})

test('a read names a message of the dialog and never moves back', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const id = await openDialog(alice, 'Read part', 'One')
  await alice.post(`/vendor/conversations/${id}/messages`, { json: { text: 'Two' } })
  const [one, two] = await messagesOf(alice, id)
  const upToOne = await seller.post(`/vendor/conversations/${id}/read`, { json: { message_id: one?.id } })
  assert.equal(upToOne.body.data.unread_count, 1)
  const all = await seller.post(`/vendor/conversations/${id}/read`)
  assert.equal(all.status, 200)
  assert.equal(all.body.data.last_read_message_id, two?.id)
  const back = await seller.post(`/vendor/conversations/${id}/read`, { json: { message_id: one?.id } })
  assert.equal(back.body.data.last_read_message_id, two?.id)
  const foreign = await seller.post(`/vendor/conversations/${id}/read`, { json: { message_id: 999_999 } })
  assert.equal(foreign.status, 422)
  assert.deepEqual(foreign.body.error.fields, { message_id: ['This message is not in this conversation.'] })
})

test('unread counts follow a long exchange on both sides, in each dialog and in total', async () => {
  const bob = await vendorLogin(parley, 'bob')
  const seller = await vendorLogin(parley, 'seller')
  const id = await openDialog(bob, 'Long exchange part', 'Message 0 from bob')
  let bobUnread = 0
  let sellerUnread = 1
  for (let round = 1; round <= 13; round += 1) {
    // Bursts of different lengths from each side; the writer's own count drops to zero as it writes.
    const writer = round % 3 === 0 ? bob : seller
    const burst = (round % 4) + 1
    for (let index = 0; index < burst; index += 1) {
      const sent = await writer.post(`/vendor/conversations/${id}/messages`, {
        json: { text: `round ${round} #${index}` },
      })
      assert.equal(sent.status, 201)
    }
    if (writer === bob) {
      bobUnread = 0
      sellerUnread += burst
    } else {
      sellerUnread = 0
      bobUnread += burst
    }
    assert.equal(await unreadOf(bob, id), bobUnread, `bob after round ${round}`)
    assert.equal(await unreadOf(seller, id), sellerUnread, `seller after round ${round}`)
    if (round === 6) {
      await bob.post(`/vendor/conversations/${id}/read`)
      bobUnread = 0
      assert.equal(await unreadOf(bob, id), 0)
    }
  }
  const bobList = await bob.get('/vendor/conversations')
  const listed = bobList.body.data.find((dialog: { id: number }) => dialog.id === id)
  assert.equal(listed.unread_count, bobUnread)
  assert.equal(bobList.body.meta.total_unread, bobUnread)
  const sellerList = await seller.get('/vendor/conversations')
  const total = sellerList.body.data.reduce(
    (sum: number, dialog: { unread_count: number }) => sum + dialog.unread_count,
    0,
  )
  assert.equal(sellerList.body.meta.total_unread, total)
  assert.ok(bobUnread > 0)
})

test("the dialog is in the buyer's storefront inbox, and a seller's reply raises its unread count on both surfaces", async () => {
  const bob = await vendorLogin(parley, 'bob')
  const seller = await vendorLogin(parley, 'seller')
  const id = await openDialog(bob, 'Cross-surface part', 'Seen from both sides?')
  const storefront = new HttpClient(parley.baseUrl)
  await storefront.login(parley.demo.users.bob.email, parley.demo.users.bob.password)
  const inbox = await storefront.get('/users/conversations/')
  const listed = inbox.body.find((conversation: { id: number }) => conversation.id === id)
  assert.ok(listed, 'the vendor dialog is listed on the storefront')
  assert.equal(listed.message_set[0].message_content, 'Seen from both sides?')

  const before = await unreadOf(bob, id)
  await seller.post(`/vendor/conversations/${id}/messages`, { json: { text: 'Yes, from the vendor side' } })
  assert.equal(await unreadOf(bob, id), before + 1)

  // A reply through the storefront, as the seller's data source, counts the same.
  const sellerStorefront = new HttpClient(parley.baseUrl)
  await sellerStorefront.login(parley.demo.users.seller.email, parley.demo.users.seller.password)
  const reply = await sellerStorefront.post('/users/conversations/', {
    json: {
      message_content: 'And from the storefront',
      user_type: 'registered',
      content_type: 'datasource',
      content_id: parley.demo.sellers.bmw.id,
      conversation: id,
    },
  })
  assert.equal(reply.status, 201)
  assert.equal(await unreadOf(bob, id), before + 2)
  const list = await bob.get('/vendor/conversations')
  assert.equal(list.body.data[0].id, id, 'the dialog with the newest message comes first')
  assert.equal(list.body.data[0].last_message.text, 'And from the storefront')
})

test('the dialog list pages with a cursor, newest first, without repeats or gaps', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const ids: number[] = []
  for (let index = 0; index < 5; index += 1)
    ids.push(await openDialog(alice, `Paged ${index}`, `Page ${index}`))
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`
    const page = await alice.get(`/vendor/conversations?limit=2${query}`)
    assert.equal(page.status, 200)
    assert.ok(page.body.data.length <= 2)
    seen.push(...page.body.data.map((dialog: { id: number }) => dialog.id))
    cursor = page.body.meta.next_cursor
  } while (cursor !== null)
  assert.equal(new Set(seen).size, seen.length)
  assert.deepEqual(seen.slice(0, 5), [...ids].reverse())
  const bad = await alice.get('/vendor/conversations?cursor=nonsense')
  assert.equal(bad.status, 422)
  assert.deepEqual(bad.body.error.fields, { cursor: ['Invalid cursor.'] })
})
