import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { contacts } from '../../../src/db/schema/index.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let staff: HttpClient
const ids: Record<string, number> = {}

/** Five contacts on five known days, the last two already viewed. */
before(async () => {
  parley = await startTestApp({ runWorkers: false })
  staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const made = [
    {
      key: 'a',
      subject: 'Refund please',
      first_name: 'Anna',
      email: 'anna@shop.test',
      message: 'Order 100%_done',
    },
    {
      key: 'b',
      subject: 'Delivery late',
      first_name: 'Ben',
      email: 'ben@example.com',
      message: 'Where is it?',
    },
    { key: 'c', subject: 'Question', first_name: 'Cleo', last_name: 'REFUNDSON', message: 'hello' },
    { key: 'd', subject: 'Invoice', first_name: 'Dan', email: 'dan@shop.test', message: 'need invoice' },
    { key: 'e', subject: 'Thanks', first_name: 'Eve', message: 'great delivery' },
  ]
  for (const [day, { key, ...body }] of made.entries()) {
    const response = await staff.post('/api/contacts/', { json: body })
    assert.equal(response.status, 201)
    ids[key] = response.body.id
    await parley.db
      .update(contacts)
      .set({ createdAt: new Date(Date.UTC(2024, 0, day + 1, 12)), viewed: day >= 3 })
      .where(eq(contacts.id, response.body.id))
  }
})
after(() => parley.close())

const idsOf = (body: { results: { id: number }[] }) => body.results.map((contact) => contact.id)

test('the list is a DRF page, newest first', async () => {
  const response = await staff.get('/api/contacts/')
  assert.equal(response.status, 200)
  // DRF's page, whether its count stopped at the bound, and the inbox's count of contacts nobody has opened.
  assert.deepEqual(Object.keys(response.body), [
    'count',
    'count_capped',
    'next',
    'previous',
    'results',
    'total_unviewed',
    'total_unviewed_capped',
  ])
  assert.equal(response.body.count, 5)
  assert.equal(response.body.count_capped, false)
  assert.equal(response.body.total_unviewed, 3)
  assert.equal(response.body.total_unviewed_capped, false)
  assert.equal(response.body.next, null)
  assert.equal(response.body.previous, null)
  assert.deepEqual(idsOf(response.body), [ids.e, ids.d, ids.c, ids.b, ids.a])
})

test('pages link to their neighbours with absolute URLs that keep the filters', async () => {
  const first = await staff.get('/api/contacts/?page_size=2&ordering=id')
  assert.deepEqual(idsOf(first.body), [ids.a, ids.b])
  assert.equal(first.body.next, `${parley.baseUrl}/api/contacts/?page_size=2&ordering=id&page=2`)
  assert.equal(first.body.previous, null)
  const second = await staff.get(new URL(first.body.next).pathname + new URL(first.body.next).search)
  assert.deepEqual(idsOf(second.body), [ids.c, ids.d])
  assert.equal(second.body.previous, `${parley.baseUrl}/api/contacts/?page_size=2&ordering=id`)
  const last = await staff.get('/api/contacts?page_size=2&ordering=id&page=3')
  assert.deepEqual(idsOf(last.body), [ids.e])
  assert.equal(last.body.next, null)
  const beyond = await staff.get('/api/contacts?page_size=2&page=4')
  assert.equal(beyond.status, 404)
  assert.deepEqual(beyond.body, { detail: 'Invalid page.' })
  assert.equal((await staff.get('/api/contacts?page=abc')).status, 404)
})

test('viewed filters by the flag; a value django-filter cannot read filters nothing', async () => {
  assert.deepEqual(idsOf((await staff.get('/api/contacts?viewed=true')).body), [ids.e, ids.d])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?viewed=False')).body), [ids.c, ids.b, ids.a])
  assert.equal((await staff.get('/api/contacts?viewed=0')).body.count, 3)
  assert.equal((await staff.get('/api/contacts?viewed=maybe')).body.count, 5)
})

test('created_at bounds are inclusive and accept dates, date-times and the range names', async () => {
  const between = await staff.get(
    '/api/contacts?created_at__gte=2024-01-02&created_at__lte=2024-01-04T12:00:00Z',
  )
  assert.deepEqual(idsOf(between.body), [ids.d, ids.c, ids.b])
  const after = await staff.get('/api/contacts?created_at_after=2024-01-04T13:00:00%2B00:00')
  assert.deepEqual(idsOf(after.body), [ids.e])
  const before = await staff.get('/api/contacts?created_at_before=2024-01-01T12:00:00')
  assert.deepEqual(idsOf(before.body), [ids.a])
  const bad = await staff.get('/api/contacts?created_at__gte=yesterday')
  assert.equal(bad.status, 400)
  assert.deepEqual(bad.body, { created_at__gte: ['Enter a valid date/time.'] })
})

test('search matches names, email, subject and message case-insensitively, every term', async () => {
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=refund')).body), [ids.c, ids.a])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=SHOP.TEST')).body), [ids.d, ids.a])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=delivery')).body), [ids.e, ids.b])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=delivery%20eve')).body), [ids.e])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=delivery,ben')).body), [ids.b])
  // Wildcards are literal: "%_" occurs in one message only.
  assert.deepEqual(idsOf((await staff.get('/api/contacts?search=%25_')).body), [ids.a])
  assert.equal((await staff.get('/api/contacts?search=nothing-like-this')).body.count, 0)
})

test('ordering takes known fields, several at once, and ignores unknown ones', async () => {
  assert.deepEqual(idsOf((await staff.get('/api/contacts?ordering=created_at')).body), [
    ids.a,
    ids.b,
    ids.c,
    ids.d,
    ids.e,
  ])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?ordering=-viewed,subject')).body), [
    ids.d,
    ids.e,
    ids.b,
    ids.c,
    ids.a,
  ])
  assert.deepEqual(idsOf((await staff.get('/api/contacts?ordering=password')).body), [
    ids.e,
    ids.d,
    ids.c,
    ids.b,
    ids.a,
  ])
})

test('a filter, a search and paging combine', async () => {
  const response = await staff.get(
    '/api/contacts?viewed=false&search=e&page_size=1&page=2&ordering=first_name',
  )
  assert.equal(response.body.count, 3)
  assert.deepEqual(idsOf(response.body), [ids.b])
})
