import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { sellers, users } from '../../../src/db/schema/index.ts'
import { principals } from '../../domain/conversations-helpers.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, setProduct, vendorLogin } from './fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 7),
])

type Dialog = { id: number; unread_count: number; product_id: number | null }

const listOf = async (client: HttpClient): Promise<{ data: Dialog[]; meta: { total_unread: number } }> => {
  const response = await client.get('/vendor/conversations?limit=100')
  assert.equal(response.status, 200)
  return response.body
}

test('every dialog in the list is the dialog its own route answers, for the buyer and for the seller', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const bob = await vendorLogin(parley, 'bob')
  const seller = await vendorLogin(parley, 'seller')
  await parley.db
    .update(sellers)
    .set({ avatarUrl: 'https://s3.partizap.ru/avatars/5.webp', cityId: 7, rating: '4.85', reviewsCount: 3 })
    .where(eq(sellers.id, parley.demo.sellers.bmw.id))
  await parley.db
    .update(users)
    .set({ displayName: 'Alice A.', cityId: 8, avatarUrl: 'https://s3.partizap.ru/avatars/a.webp' })
    .where(eq(users.id, parley.demo.users.alice.id))

  // A product with every attribute and an image, and one without any.
  const detailed = await addProduct(parley, 'Detailed part')
  await setProduct(parley, detailed, {
    price: '2499.50',
    attributes: { steering: 'left', cityId: 7, regionId: 77, metroDistanceM: 450, addressId: 'addr-9' },
    images: [
      {
        id: 11,
        thumbnailWebp: 't.webp',
        thumbnailJpeg: null,
        mediumWebp: 'm.webp',
        mediumJpeg: 'm.jpg',
        largeWebp: null,
        largeJpeg: 'l.jpg',
        status: 'ready',
        isPrimary: true,
        sortOrder: 0,
      },
    ],
  })
  const plain = await addProduct(parley, 'Plain part')
  await setProduct(parley, plain, { publishedAt: null })
  const withImages = await alice.post('/vendor/conversations', {
    json: { product_id: detailed, message: 'Is the left one available?' },
  })
  const id = withImages.body.data.id
  await seller.post(`/vendor/conversations/${id}/messages`, {
    multipart: { text: 'Here it is', image: { filename: 'part.png', content: PNG, type: 'image/png' } },
  })
  await seller.post(`/vendor/conversations/${id}/messages`, { json: { text: 'And another angle' } })
  await alice.get(`/vendor/conversations/${id}/messages`)
  const bobs = await bob.post('/vendor/conversations', { json: { product_id: plain, message: 'Price?' } })
  await seller.post(`/vendor/conversations/${bobs.body.data.id}/read`)

  // A dialog about an item of an order, opened on the storefront's engine.
  const { alice: aliceAsPrincipal } = principals(parley)
  const [orderItem] = parley.demo.orders.alice.items
  assert.ok(orderItem)
  const aboutOrder = await parley.app.domain.conversations.startConversation(aliceAsPrincipal, {
    sender: { as: 'user', userId: aliceAsPrincipal.userId },
    itemType: 'orderitem',
    itemId: orderItem.id,
    text: 'My order has not arrived',
  })

  for (const client of [alice, bob, seller]) {
    const { data } = await listOf(client)
    assert.ok(data.length > 0)
    for (const dialog of data) {
      const single = await client.get(`/vendor/conversations/${dialog.id}`)
      assert.deepEqual(dialog, single.body.data, `dialog ${dialog.id}`)
    }
  }
  const listed = (await listOf(alice)).data
  assert.deepEqual(
    listed.slice(0, 2).map((dialog) => [dialog.id, dialog.product_id]),
    [
      [aboutOrder.conversationId, orderItem.product_id],
      [id, detailed],
    ],
  )
})

test('total_unread sums the caller’s unread dialogs, without deleted ones or conversations with the shop’s staff', async () => {
  const { alice: aliceAsPrincipal, staff } = principals(parley)
  const engine = parley.app.domain.conversations
  const alice = await vendorLogin(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const before = await listOf(alice)
  const unreadOf = (list: { data: Dialog[] }) =>
    list.data.reduce((sum, dialog) => sum + dialog.unread_count, 0)
  assert.equal(before.meta.total_unread, unreadOf(before))

  const kept = await alice.post('/vendor/conversations', {
    json: { product_id: await addProduct(parley, 'Kept part'), message: 'Hello' },
  })
  const dropped = await alice.post('/vendor/conversations', {
    json: { product_id: await addProduct(parley, 'Dropped part'), message: 'Hello' },
  })
  for (const dialog of [kept, dropped, kept]) {
    await seller.post(`/vendor/conversations/${dialog.body.data.id}/messages`, { json: { text: 'Reply' } })
  }
  const withShop = await engine.startConversation(staff, {
    sender: { as: 'staff' },
    customerId: aliceAsPrincipal.userId,
  })
  await engine.postMessage(staff, {
    conversationId: withShop.conversationId,
    sender: { as: 'staff' },
    text: 'From the shop',
  })
  assert.equal(
    (await engine.getConversation(aliceAsPrincipal, withShop.conversationId)).viewerState?.unreadCount,
    1,
  )

  const during = await listOf(alice)
  assert.equal(during.meta.total_unread, before.meta.total_unread + 3)
  assert.equal(unreadOf(during), during.meta.total_unread)
  assert.ok(during.data.every((dialog) => dialog.id !== withShop.conversationId))

  await engine.softDelete(staff, dropped.body.data.id)
  const after = await listOf(alice)
  assert.equal(after.meta.total_unread, before.meta.total_unread + 2)
  assert.ok(after.data.every((dialog) => dialog.id !== dropped.body.data.id))
  assert.equal(after.data.find((dialog) => dialog.id === kept.body.data.id)?.unread_count, 2)
})
