import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { sellers, users } from '../../../src/db/schema/index.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, setProduct, strangerSeller, vendorLogin } from './fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

test('a new dialog answers 201 with every field of the seed, field by field', async () => {
  const productId = await addProduct(parley, 'BMW E46 headlight')
  await setProduct(parley, productId, {
    price: '2500.00',
    attributes: {
      steering: 'left',
      cityId: 7,
      regionId: 77,
      districtId: 12,
      metroStationId: 3,
      metroDistanceM: 450,
      addressId: 'addr-9',
    },
    images: [
      {
        id: 11,
        thumbnailWebp: 't.webp',
        thumbnailJpeg: 't.jpg',
        mediumWebp: 'm.webp',
        mediumJpeg: 'm.jpg',
        largeWebp: 'l.webp',
        largeJpeg: 'l.jpg',
        status: 'ready',
        isPrimary: true,
        sortOrder: 0,
      },
    ],
  })
  const sellerId = parley.demo.sellers.bmw.id
  await parley.db
    .update(sellers)
    .set({ avatarUrl: 'https://s3.partizap.ru/avatars/5.webp', cityId: 7 })
    .where(eq(sellers.id, sellerId))
  const buyer = parley.demo.users.bob
  await parley.db.update(users).set({ displayName: 'Bob B.', cityId: 8 }).where(eq(users.id, buyer.id))

  const bob = await vendorLogin(parley, 'bob')
  const response = await bob.post('/vendor/conversations', {
    json: { product_id: String(productId), message: 'Is it still available?' },
  })
  assert.equal(response.status, 201)
  const data = response.body.data
  assert.deepEqual(Object.keys(data).sort(), [
    'created_at',
    'id',
    'last_message',
    'participants',
    'product',
    'product_id',
    'unread_count',
    'updated_at',
  ])
  assert.ok(Number.isInteger(data.id))
  assert.equal(data.product_id, productId)
  const { seller, published_at, ...product } = data.product
  assert.deepEqual(product, {
    id: productId,
    title: 'BMW E46 headlight',
    price: 2500,
    steering: 'left',
    city_id: 7,
    region_id: 77,
    district_id: 12,
    metro_station_id: 3,
    metro_distance_m: 450,
    address_id: 'addr-9',
    images: [
      {
        id: 11,
        thumbnail_webp: 't.webp',
        thumbnail_jpeg: 't.jpg',
        medium_webp: 'm.webp',
        medium_jpeg: 'm.jpg',
        large_webp: 'l.webp',
        large_jpeg: 'l.jpg',
        status: 'ready',
        is_primary: true,
        sort_order: 0,
      },
    ],
  })
  assert.match(published_at, ISO)
  const { created_at: sellerCreated, ...sellerProfile } = seller
  assert.deepEqual(sellerProfile, {
    id: sellerId,
    display_name: 'BMW Parts Store',
    avatar_url: 'https://s3.partizap.ru/avatars/5.webp',
    city_id: 7,
    rating: '4.85',
    reviews_count: 127,
    products_count: 2,
  })
  assert.match(sellerCreated, ISO)
  const [buyerProfile, sellerParticipant] = data.participants
  assert.equal(data.participants.length, 2)
  assert.deepEqual(
    { ...buyerProfile, created_at: undefined },
    {
      id: buyer.id,
      display_name: 'Bob B.',
      avatar_url: null,
      city_id: 8,
      rating: '0.00',
      reviews_count: 0,
      products_count: 0,
      created_at: undefined,
    },
  )
  assert.match(buyerProfile.created_at, ISO)
  assert.deepEqual(sellerParticipant, seller)
  const { created_at: messageCreated, id: messageId, ...message } = data.last_message
  assert.ok(Number.isInteger(messageId))
  assert.deepEqual(message, {
    conversation_id: data.id,
    sender_id: buyer.id,
    text: 'Is it still available?',
    image_url: null,
    is_read: false,
    is_delivered: false,
  })
  assert.match(messageCreated, ISO)
  assert.equal(data.unread_count, 0)
  assert.match(data.created_at, ISO)
  assert.match(data.updated_at, ISO)
})

test('a buyer writing again about the same product gets the message appended, with 200', async () => {
  const productId = await addProduct(parley, 'BMW E46 grille')
  const alice = await vendorLogin(parley, 'alice')
  const first = await alice.post('/vendor/conversations', { json: { product_id: productId, message: 'One' } })
  assert.equal(first.status, 201)
  const second = await alice.post('/vendor/conversations', {
    json: { product_id: productId, message: 'Two' },
  })
  assert.equal(second.status, 200)
  assert.equal(second.body.data.id, first.body.data.id)
  assert.equal(second.body.data.last_message.text, 'Two')
  const messages = await alice.get(`/vendor/conversations/${first.body.data.id}/messages`)
  assert.deepEqual(
    messages.body.data.map((message: { text: string }) => message.text),
    ['One', 'Two'],
  )
  // Another buyer about the same product has a dialog of its own.
  const bob = await vendorLogin(parley, 'bob')
  const other = await bob.post('/vendor/conversations', { json: { product_id: productId, message: 'Mine' } })
  assert.equal(other.status, 201)
  assert.notEqual(other.body.data.id, first.body.data.id)
})

test("a seller's member cannot open a dialog about the seller's own product", async () => {
  const seller = await vendorLogin(parley, 'seller')
  const response = await seller.post('/vendor/conversations', {
    json: { product_id: parley.demo.products.brakes.id, message: 'Talking to myself' },
  })
  assert.equal(response.status, 422)
  assert.equal(response.body.error.code, 'validation_error')
  assert.deepEqual(Object.keys(response.body.error.fields), ['product_id'])
})

test('an unknown, unpublished or malformed product is a 422 on product_id', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const unknown = await alice.post('/vendor/conversations', { json: { product_id: 999_999, message: 'Hi' } })
  assert.equal(unknown.status, 422)
  assert.deepEqual(unknown.body.error, {
    code: 'validation_error',
    message: 'The given data was invalid.',
    fields: { product_id: ['Invalid pk "999999" - object does not exist.'] },
  })
  const hidden = await addProduct(parley, 'Draft listing', { isPublished: false })
  const unpublished = await alice.post('/vendor/conversations', {
    json: { product_id: hidden, message: 'Hi' },
  })
  assert.equal(unpublished.status, 422)
  assert.deepEqual(unpublished.body.error.fields, { product_id: ['This product is not published.'] })
  const malformed = await alice.post('/vendor/conversations', { json: { product_id: 'abc', message: '' } })
  assert.equal(malformed.status, 422)
  assert.deepEqual(Object.keys(malformed.body.error.fields).sort(), ['message', 'product_id'])
})

test('an unsafe request without the CSRF header is refused with 403, and nothing is written', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const productId = await addProduct(parley, 'BMW E46 spoiler')
  const refused = await alice.post(
    '/vendor/conversations',
    { json: { product_id: productId, message: 'Forged' } },
    { csrf: false },
  )
  assert.equal(refused.status, 403)
  assert.equal(refused.body.error.code, 'forbidden')
  const wrong = await alice.post(
    '/vendor/conversations',
    { json: { product_id: productId, message: 'Forged' } },
    { headers: { 'X-CSRF-TOKEN': 'not-the-cookie' } },
  )
  assert.equal(wrong.status, 403)
  const list = await alice.get('/vendor/conversations')
  assert.ok(list.body.data.every((dialog: { product_id: number }) => dialog.product_id !== productId))
})

test('a stranger is answered 404 on every route of a dialog it takes no part in', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: parley.demo.products.mirror.id, message: 'Private' },
  })
  const id = opened.body.data.id
  const stranger = await strangerSeller(parley, 'nosy')
  for (const response of [
    await stranger.get(`/vendor/conversations/${id}`),
    await stranger.get(`/vendor/conversations/${id}/messages`),
    await stranger.post(`/vendor/conversations/${id}/messages`, { json: { text: 'Hello?' } }),
    await stranger.post(`/vendor/conversations/${id}/read`, { json: {} }),
    // Not being a party is told before a message that is not the dialog's.
    await stranger.post(`/vendor/conversations/${id}/read`, { json: { message_id: 999_999 } }),
    await stranger.get(`/vendor/conversations/not-a-number`),
  ]) {
    assert.equal(response.status, 404)
    assert.equal(response.body.error.code, 'not_found')
  }
  const anonymous = await stranger.get('/vendor/conversations', { headers: { cookie: '' } })
  assert.equal(anonymous.status, 401)
})
