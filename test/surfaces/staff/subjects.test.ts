import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

test('staff create, read, change and delete a subject with its translations', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const created = await staff.post('/api/contact-subjects/', {
    json: {
      texts: { en: 'Returns', tr: 'İadeler' },
      default_language: 'tr',
      is_order_needed: true,
      position: 5,
    },
  })
  assert.equal(created.status, 201)
  const { id, created_at, updated_at, ...rest } = created.body
  assert.equal(typeof id, 'number')
  assert.ok(created_at && updated_at)
  assert.deepEqual(rest, {
    text: 'İadeler',
    texts: { en: 'Returns', tr: 'İadeler' },
    default_language: 'tr',
    is_order_needed: true,
    position: 5,
  })

  const listed = await staff.get('/api/contact-subjects')
  assert.equal(listed.body.count, 3)
  assert.deepEqual(
    listed.body.results.map((subject: { id: number }) => subject.id),
    [parley.demo.subjects.general.id, parley.demo.subjects.order.id, id],
  )

  const patched = await staff.patch(`/api/contact-subjects/${id}`, {
    json: { texts: { en: 'Returns & refunds' } },
  })
  assert.equal(patched.status, 400)
  assert.deepEqual(patched.body, { default_language: ['"tr" is not a valid choice.'] })
  const fixed = await staff.patch(`/api/contact-subjects/${id}/`, {
    json: { texts: { en: 'Returns & refunds' }, default_language: 'en', is_order_needed: false },
  })
  assert.equal(fixed.status, 200)
  assert.deepEqual(fixed.body.texts, { en: 'Returns & refunds' })
  assert.equal(fixed.body.is_order_needed, false)
  assert.equal(fixed.body.position, 5)
  assert.equal((await staff.get(`/api/contact-subjects/${id}`)).body.text, 'Returns & refunds')

  // The storefront's form offers what staff set, in the client's language.
  const shopper = new HttpClient(parley.baseUrl)
  const offered = await shopper.get('/users/contact-us-subjects/', { headers: { 'accept-language': 'tr' } })
  assert.ok(offered.body.some((subject: { id: number; text: string }) => subject.id === id))

  assert.equal((await staff.delete(`/api/contact-subjects/${id}`)).status, 204)
  assert.equal((await staff.get(`/api/contact-subjects/${id}`)).status, 404)
})

test('invalid subjects are refused with every problem at once', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.admin.token)
  const missing = await staff.post('/api/contact-subjects/', { json: { position: -1 } })
  assert.equal(missing.status, 400)
  assert.deepEqual(missing.body, {
    texts: ['This field is required.'],
    position: ['Ensure this value is greater than or equal to 0.'],
  })
  const bad = await staff.post('/api/contact-subjects/', {
    json: { texts: { en: ' ', 'not a tag': 'x' }, default_language: 'de' },
  })
  assert.equal(bad.status, 400)
  assert.deepEqual(bad.body, {
    texts: ['This field may not be blank.', '"not a tag" is not a valid language tag.'],
    default_language: ['"de" is not a valid choice.'],
  })
  const empty = await staff.post('/api/contact-subjects/', { json: { texts: {} } })
  assert.deepEqual(empty.body, { texts: ['This field may not be empty.'] })
})

test('without a default language, English is the default when present', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const created = await staff.post('/api/contact-subjects/', {
    json: { texts: { tr: 'Kargo', en: 'Shipping' } },
  })
  assert.equal(created.body.default_language, 'en')
  assert.equal(created.body.is_order_needed, false)
  assert.equal(created.body.position, 0)
})
