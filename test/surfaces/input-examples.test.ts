import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { count } from 'drizzle-orm'
import { contacts, conversations, messages } from '../../src/db/schema/index.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { HttpClient, withToken } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { vendorLogin } from './vendor/fixtures.ts'

// Each input issue 24 saw answered with a 500 or a silent change, as a request a client can send.

const NUL = 'Null characters are not allowed.'
const INT32_MAX = 'Ensure this value is less than or equal to 2147483647.'
const ID_MAX = `Ensure this value is less than or equal to ${Number.MAX_SAFE_INTEGER}.`
const INVALID_INTEGER = 'A valid integer is required.'

let parley: TestApp
let alice: HttpClient
let staff: HttpClient
let shop: HttpClient

before(async () => {
  parley = await startTestApp()
  alice = new HttpClient(parley.baseUrl)
  await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  staff = withToken(parley.baseUrl, parley.demo.users.admin.token)
  shop = withToken(parley.baseUrl, parley.demo.users.admin.token, 'Bearer')
})
after(() => parley.close())

const rows = async () => ({
  contacts: (await parley.db.select({ n: count() }).from(contacts))[0]?.n ?? 0,
  conversations: (await parley.db.select({ n: count() }).from(conversations))[0]?.n ?? 0,
  messages: (await parley.db.select({ n: count() }).from(messages))[0]?.n ?? 0,
})

const conversationStart = () => ({
  message_content: 'Is it in stock?',
  user_type: 'registered',
  content_type: 'user',
  content_id: parley.demo.users.alice.id,
})

test('NUL characters: a field error in each surface, nothing written', async () => {
  const before = await rows()
  const login = await new HttpClient(parley.baseUrl).post('/users/login/', {
    json: { email: 'a\u0000@example.com', password: 'x' },
  })
  assert.equal(login.status, 400)
  assert.deepEqual(login.body, { email: [NUL] })

  for (const encoding of ['json', 'multipart'] as const) {
    const form = validForm(parley, { message: 'hello\u0000there' })
    const body =
      encoding === 'json'
        ? { json: form }
        : { multipart: Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)])) }
    const response = await (await guestBrowser(parley)).post('/users/contact-us/', body)
    assert.equal(response.status, 400, encoding)
    assert.deepEqual(response.body, { message: [NUL] })
  }
  const fileName = await (await guestBrowser(parley)).post('/users/contact-us/', {
    multipart: {
      ...Object.fromEntries(Object.entries(validForm(parley)).map(([k, v]) => [k, String(v)])),
      file: { filename: 'a\u0000.txt', content: 'hello', type: 'text/plain' },
    },
  })
  assert.equal(fileName.status, 400)
  assert.deepEqual(fileName.body, { file: [NUL] })

  const conversation = await alice.post('/users/conversations/', {
    json: { ...conversationStart(), message_content: 'in\u0000stock?' },
  })
  assert.equal(conversation.status, 400)
  assert.deepEqual(conversation.body, { message_content: [NUL] })

  const jsonKey = await alice.post('/users/conversations/', {
    json: { ...conversationStart(), 'odd\u0000key': 1 },
  })
  assert.equal(jsonKey.status, 400)
  assert.deepEqual(jsonKey.body, { non_field_errors: [NUL] })

  const vendor = await vendorLogin(parley, 'alice')
  const started = await vendor.post('/vendor/conversations', {
    json: { product_id: parley.demo.products.brakes.id, message: 'hi' },
  })
  assert.equal(started.status, 201)
  const vendorMessage = await vendor.post(`/vendor/conversations/${started.body.data.id}/messages`, {
    json: { text: 'a\u0000b' },
  })
  assert.equal(vendorMessage.status, 422)
  assert.deepEqual(vendorMessage.body.error.fields, { text: [NUL] })

  const shopDelete = await shop.post('/v3/conversation', {
    json: { customerId: String(parley.demo.users.bob.id), deleted: true, deletedReason: 'x\u0000' },
  })
  assert.equal(shopDelete.status, 400)
  assert.equal(shopDelete.body.success, false)
  assert.deepEqual(shopDelete.body.data, { fields: { deletedReason: [NUL] } })

  const staffContact = await staff.post('/api/contacts/', {
    json: { subject: 'Hi', first_name: 'A\u0000' },
  })
  assert.equal(staffContact.status, 400)
  assert.deepEqual(staffContact.body, { first_name: [NUL] })
  const search = await staff.get('/api/contacts/?search=a%00b')
  assert.equal(search.status, 400)
  assert.deepEqual(search.body, { search: [NUL] })

  const sync = await staff.post('/api/sync/users/', {
    json: { items: [{ external_id: 'u-nul', email: 'nul@example.com', first_name: 'N\u0000' }] },
  })
  assert.equal(sync.status, 400)
  assert.deepEqual(sync.body, [{ first_name: [NUL] }])
  const setting = await staff.put('/api/settings/EMAIL_BCC_AND_CC/', {
    json: { value: { contact_us: { cc: ['a\u0000@example.com'], bcc: [] } } },
  })
  assert.equal(setting.status, 400)
  assert.deepEqual(setting.body, { value: [NUL] })

  const after = await rows()
  assert.deepEqual(after, {
    ...before,
    conversations: before.conversations + 1,
    messages: before.messages + 1,
  })
})

test('numbers out of range: the column’s bound, and a path id too large to exist is a 404', async () => {
  const page = await alice.get('/users/conversations/?page=2147483648')
  assert.equal(page.status, 400)
  assert.deepEqual(page.body, { page: [INT32_MAX] })
  const before = await alice.get('/users/conversations/1/?before=9223372036854775808')
  assert.deepEqual(before.body, { before: [ID_MAX] })
  const huge = await alice.get('/users/conversations/99999999999999999999/')
  assert.equal(huge.status, 404)

  const skip = await shop.get('/v3/conversation?skip=2147483648')
  assert.equal(skip.status, 400)
  assert.deepEqual(skip.body.data, { fields: { skip: [INT32_MAX] } })
  const shopHuge = await shop.get('/v3/conversation/9223372036854775808')
  assert.equal(shopHuge.status, 404)

  const vendor = await vendorLogin(parley, 'alice')
  const cursor = await vendor.get('/vendor/conversations/1/messages?cursor=1e30')
  assert.equal(cursor.status, 422)
  assert.deepEqual(cursor.body.error.fields, { cursor: [INVALID_INTEGER] })
  const product = await vendor.post('/vendor/conversations', { json: { product_id: 1e30, message: 'hi' } })
  assert.equal(product.status, 422)
  assert.deepEqual(product.body.error.fields, { product_id: [ID_MAX] })

  const counts = await staff.post('/api/sync/sellers/', {
    json: { items: [{ external_id: 's-big', name: 'Big', reviews_count: 2 ** 31 }] },
  })
  assert.equal(counts.status, 400)
  assert.deepEqual(counts.body, [{ reviews_count: [INT32_MAX] }])
  const quantity = await staff.post('/api/sync/orders/', {
    json: {
      items: [
        {
          external_id: 'o-big',
          customer_external_id: 'nobody',
          items: [{ external_id: 'oi', product_external_id: 'p', quantity: 2 ** 63 }],
        },
      ],
    },
  })
  assert.equal(quantity.status, 400)
  assert.match(JSON.stringify(quantity.body), /less than or equal to 2147483647/)
})

test('booleans and fractions where an integer is expected are refused; numeric strings are read', async () => {
  const before = await rows()
  const cases: [string, unknown][] = [
    ['datasource', true],
    ['item_id', true],
    ['conversation', true],
    ['datasource', 1.5],
  ]
  for (const [field, value] of cases) {
    const response = await alice.post('/users/conversations/', {
      json: {
        ...conversationStart(),
        [field]: value,
        ...(field === 'item_id' ? { item_content: 'product' } : {}),
      },
    })
    assert.equal(response.status, 400, `${field}: ${value}`)
    assert.deepEqual(response.body[field], [INVALID_INTEGER], `${field}: ${value}`)
  }
  assert.deepEqual(await rows(), before, 'nothing was written for a refused request')

  const vendor = await vendorLogin(parley, 'alice')
  const product = await vendor.post('/vendor/conversations', { json: { product_id: true, message: 'hi' } })
  assert.equal(product.status, 422)
  assert.deepEqual(product.body.error.fields, { product_id: [INVALID_INTEGER] })
  const read = await vendor.post('/vendor/conversations/1/read', { json: { message_id: true } })
  assert.equal(read.status, 422)
  assert.deepEqual(read.body.error.fields, { message_id: [INVALID_INTEGER] })
  const images = await staff.post('/api/sync/products/', {
    json: {
      items: [
        { external_id: 'p-b', seller_external_id: 's', name: 'P', images: [{ id: true, large_jpeg: 'x' }] },
      ],
    },
  })
  assert.equal(images.status, 400)
  assert.deepEqual(images.body, [{ images: [INVALID_INTEGER] }])

  const numeric = await alice.post('/users/conversations/', {
    json: { ...conversationStart(), content_id: String(parley.demo.users.alice.id) },
  })
  assert.equal(numeric.status, 201, 'a numeric string is an integer, as DRF reads it')
})

test('an id beyond 2^53 is refused, never rounded to another one', async () => {
  const raw = `{"message_content":"hi","user_type":"registered","content_type":"user","content_id":${parley.demo.users.alice.id},"conversation":9007199254740995}`
  const response = await alice.post('/users/conversations/', { raw, contentType: 'application/json' })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, { conversation: [ID_MAX] })
  const asText = await alice.post('/users/conversations/', {
    json: { ...conversationStart(), conversation: '9007199254740995' },
  })
  assert.deepEqual(asText.body, { conversation: [ID_MAX] })
})

test('a route that exists answers another method with 405 and Allow, in each surface’s shape', async () => {
  const storefront = await alice.put('/users/contact-us/', { json: {} })
  assert.equal(storefront.status, 405)
  assert.deepEqual(storefront.body, { detail: 'Method "PUT" not allowed.' })
  assert.equal(storefront.headers.get('allow'), 'POST')
  const staffList = await staff.request('PUT', '/api/contacts/')
  assert.equal(staffList.status, 405)
  assert.deepEqual(staffList.body, { detail: 'Method "PUT" not allowed.' })
  assert.equal(staffList.headers.get('allow'), 'GET, HEAD, POST')
  const vendor = await vendorLogin(parley, 'alice')
  const vendorDelete = await vendor.delete('/vendor/conversations')
  assert.equal(vendorDelete.status, 405)
  assert.deepEqual(vendorDelete.body, {
    error: { code: 'method_not_allowed', message: 'Method DELETE not allowed.' },
  })
  assert.equal(vendorDelete.headers.get('allow'), 'GET, HEAD, POST')
  const shopPost = await shop.post('/v3/conversation/1', { json: {} })
  assert.equal(shopPost.status, 405)
  assert.equal(shopPost.body.code, 'method_not_allowed')
  assert.equal(shopPost.headers.get('allow'), 'GET, HEAD, PUT, DELETE')
  assert.equal((await staff.get('/api/no-such-thing/')).status, 404)
})

test('POST /api/contacts/ with "viewed": true makes a contact already viewed', async () => {
  const response = await staff.post('/api/contacts/', { json: { subject: 'Seen', viewed: true } })
  assert.equal(response.status, 201)
  assert.equal(response.body.viewed, true)
  assert.ok(response.body.viewed_at)
  const wrong = await staff.post('/api/contacts/', { json: { subject: 'Seen', viewed: 'maybe' } })
  assert.equal(wrong.status, 400)
  assert.deepEqual(wrong.body, { viewed: ['Must be a valid boolean.'] })
})

test('a path the router cannot decode, or with an over-long id, is a 404 in the surface’s shape', async () => {
  const undecodable = await alice.get('/users/conversations/%E0%A4%A/')
  assert.equal(undecodable.status, 404)
  assert.deepEqual(undecodable.body, { detail: 'Not found.' })
  const long = await shop.get(`/v3/conversation/${'9'.repeat(500)}`)
  assert.equal(long.status, 404)
  assert.equal(long.body.code, 'not_found')
  const vendor = await vendorLogin(parley, 'alice')
  const lone = await vendor.get('/vendor/conversations/%ED%A0%80/messages')
  assert.equal(lone.status, 404)
  assert.equal(lone.body.error.code, 'not_found')
})
