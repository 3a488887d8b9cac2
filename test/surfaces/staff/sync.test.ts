import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { orderItems, products, sellerMembers, users } from '../../../src/db/schema/index.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let staff: HttpClient
before(async () => {
  parley = await startTestApp({ runWorkers: false })
  staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
})
after(() => parley.close())

const shopUsers = [
  { external_id: 'u-1', email: 'ulla@shop.test', first_name: 'Ulla' },
  { external_id: 2, email: 'Umar@shop.test', first_name: 'Umar', is_active: false },
]

test('users are upserted by the shop id: re-sending returns the same ids and applies changes', async () => {
  const first = await staff.post('/api/sync/users/', { json: { items: shopUsers } })
  assert.equal(first.status, 200)
  assert.deepEqual(
    first.body.results.map((result: { external_id: string }) => result.external_id),
    ['u-1', '2'],
  )
  const again = await staff.post('/api/sync/users', {
    json: [{ ...shopUsers[0], first_name: 'Ulla-Maria' }, shopUsers[1]],
  })
  assert.deepEqual(again.body, first.body)
  const [ulla] = await parley.db.select().from(users).where(eq(users.id, first.body.results[0].id))
  assert.equal(ulla?.firstName, 'Ulla-Maria')
  assert.equal(ulla?.companyId, parley.demo.company.id)
  assert.equal(ulla?.isStaff, false)
})

test('a bad batch is refused with one error object per item and nothing is written', async () => {
  const response = await staff.post('/api/sync/users/', {
    json: {
      items: [
        { external_id: 'u-9', email: 'nine@shop.test' },
        { external_id: 'u-10', email: 'not-an-email' },
        { email: 'x@shop.test' },
      ],
    },
  })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, [
    {},
    { email: ['Enter a valid email address.'] },
    { external_id: ['This field is required.'] },
  ])
  const conflicts = await staff.post('/api/sync/users/', {
    json: [
      { external_id: 'u-11', email: 'alice@parley.test' },
      { external_id: 'u-12', email: 'twin@shop.test' },
      { external_id: 'u-12', email: 'TWIN@shop.test' },
    ],
  })
  assert.equal(conflicts.status, 400)
  assert.deepEqual(conflicts.body, [
    { email: ['user with this email already exists.'] },
    {},
    {
      external_id: ['Duplicate external_id "u-12" in this request.'],
      email: ['Duplicate email "twin@shop.test" in this request.'],
    },
  ])
  const nine = await parley.db.select().from(users).where(eq(users.externalId, 'u-9'))
  assert.equal(nine.length, 0)
  const notAnItem = await staff.post('/api/sync/users/', { json: { items: ['nope'] } })
  assert.equal(notAnItem.status, 400)
  assert.deepEqual(Object.keys(notAnItem.body[0]), ['non_field_errors'])
  const notABatch = await staff.post('/api/sync/users/', { json: { users: [] } })
  assert.deepEqual(notABatch.body, { items: ['This field is required.'] })
})

test('sellers carry their members by user shop id; re-sending keeps the ids and replaces the members', async () => {
  const body = {
    items: [{ external_id: 's-1', name: 'Parts Co', rating: '4.50', member_external_ids: ['u-1', '2'] }],
  }
  const first = await staff.post('/api/sync/sellers/', { json: body })
  assert.equal(first.status, 200)
  const sellerId = first.body.results[0].id
  const again = await staff.post('/api/sync/sellers/', {
    json: { items: [{ ...body.items[0], member_external_ids: ['u-1'] }] },
  })
  assert.deepEqual(again.body, first.body)
  const members = await parley.db.select().from(sellerMembers).where(eq(sellerMembers.sellerId, sellerId))
  assert.equal(members.length, 1)
  const unknown = await staff.post('/api/sync/sellers/', {
    json: { items: [{ external_id: 's-2', name: 'Ghost', member_external_ids: ['nobody'] }] },
  })
  assert.equal(unknown.status, 400)
  assert.deepEqual(unknown.body, [
    { member_external_ids: ['Object with external_id=nobody does not exist.'] },
  ])
})

test('products name their seller by shop id and keep images, attributes and publication', async () => {
  const item = {
    external_id: 'p-1',
    seller_external_id: 's-1',
    name: 'Brake disc',
    price: '99.90',
    images: [{ large_jpeg: 'https://cdn.test/disc.jpg' }],
    attributes: { city_id: 34, steering: 'left' },
    is_published: true,
  }
  const first = await staff.post('/api/sync/products/', { json: { items: [item] } })
  assert.equal(first.status, 200)
  const again = await staff.post('/api/sync/products/', {
    json: { items: [{ ...item, is_published: false }] },
  })
  assert.deepEqual(again.body, first.body)
  const [product] = await parley.db.select().from(products).where(eq(products.id, first.body.results[0].id))
  assert.equal(product?.price, '99.90')
  assert.equal(product?.isPublished, false)
  assert.ok(product?.publishedAt, 'the first publication time is kept')
  assert.equal(product?.images[0]?.largeJpeg, 'https://cdn.test/disc.jpg')
  assert.equal(product?.images[0]?.isPrimary, true)
  assert.equal(product?.attributes.cityId, 34)
  const orphan = await staff.post('/api/sync/products/', {
    json: [{ external_id: 'p-2', seller_external_id: 's-404', name: 'x', price: 'cheap' }],
  })
  assert.equal(orphan.status, 400)
  assert.deepEqual(Object.keys(orphan.body[0]), ['price'])
})

test('orders with their items are upserted by shop ids; resending changes nothing', async () => {
  const order = {
    external_id: 'o-1',
    customer_external_id: 'u-1',
    number: 'SO-1',
    items: [{ external_id: 'o-1-a', product_external_id: 'p-1', quantity: 2, price: '99.90' }],
  }
  const first = await staff.post('/api/sync/orders/', { json: { items: [order] } })
  assert.equal(first.status, 200)
  assert.equal(first.body.results[0].external_id, 'o-1')
  assert.equal(first.body.results[0].items[0].external_id, 'o-1-a')
  const again = await staff.post('/api/sync/orders/', { json: { items: [{ ...order, status: 'shipped' }] } })
  assert.deepEqual(again.body, first.body)
  const lines = await parley.db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, first.body.results[0].id))
  assert.equal(lines.length, 1)
  assert.equal(lines[0]?.quantity, 2)

  const bad = await staff.post('/api/sync/orders/', {
    json: [
      {
        external_id: 'o-2',
        customer_external_id: 'ghost',
        items: [{ external_id: 'x', product_external_id: 'p-404' }],
      },
    ],
  })
  assert.equal(bad.status, 400)
  assert.deepEqual(bad.body, [
    {
      customer_external_id: ['Object with external_id=ghost does not exist.'],
      items: ['Object with external_id=p-404 does not exist.'],
    },
  ])
})
