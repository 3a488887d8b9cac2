import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { otherCompany } from './other-company.ts'

let parley: TestApp
let ours: HttpClient
let theirs: HttpClient
let contactId: number
let subjectId: number

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  ours = withToken(parley.baseUrl, parley.demo.users.staff.token)
  theirs = withToken(parley.baseUrl, (await otherCompany(parley)).token)
  contactId = (await ours.post('/api/contacts/', { json: { subject: 'Company A only' } })).body.id
  subjectId = parley.demo.subjects.general.id
})
after(() => parley.close())

test("a key of another company gets 404 for every route on this company's contact and subject", async () => {
  const routes: [string, string, object | undefined][] = [
    ['GET', `/api/contacts/${contactId}`, undefined],
    ['PATCH', `/api/contacts/${contactId}`, { viewed: false }],
    ['PUT', `/api/contacts/${contactId}`, { subject: 'Taken over' }],
    ['DELETE', `/api/contacts/${contactId}`, undefined],
    ['GET', `/api/contacts/${contactId}/attachment`, undefined],
    ['GET', `/api/contact-subjects/${subjectId}`, undefined],
    ['PATCH', `/api/contact-subjects/${subjectId}`, { position: 9 }],
    ['DELETE', `/api/contact-subjects/${subjectId}`, undefined],
  ]
  for (const [method, path, json] of routes) {
    const response = await theirs.request(method, path, json ? { body: { json } } : {})
    assert.equal(response.status, 404, `${method} ${path}`)
    assert.deepEqual(response.body, { detail: 'Not found.' })
  }
  const untouched = await ours.get(`/api/contacts/${contactId}`)
  assert.equal(untouched.body.subject, 'Company A only')
  assert.equal((await ours.get(`/api/contact-subjects/${subjectId}`)).body.position, 1)
})

test("another company's lists do not show this company's contacts and subjects", async () => {
  const contacts = await theirs.get('/api/contacts?search=company')
  // Nor count them among its unviewed ones.
  assert.deepEqual(contacts.body, {
    count: 0,
    count_capped: false,
    next: null,
    previous: null,
    results: [],
    total_unviewed: 0,
    total_unviewed_capped: false,
  })
  assert.equal((await theirs.get('/api/contact-subjects')).body.count, 0)
  const made = await theirs.post('/api/contacts/', { json: { subject: 'Company B only' } })
  assert.equal(made.status, 201)
  const ourList = await ours.get('/api/contacts?search=only')
  assert.deepEqual(
    ourList.body.results.map((contact: { id: number }) => contact.id),
    [contactId],
  )
})

test("sync from another company cannot reach this company's users, sellers or products", async () => {
  const members = await theirs.post('/api/sync/sellers/', {
    json: [{ external_id: 'demo-bmw', name: 'Hijack', member_external_ids: ['demo-alice'] }],
  })
  assert.deepEqual(members.body, [
    { member_external_ids: ['Object with external_id=demo-alice does not exist.'] },
  ])
  const product = await theirs.post('/api/sync/products/', {
    json: [{ external_id: 'demo-brakes', seller_external_id: 'demo-bmw', name: 'Hijack' }],
  })
  assert.deepEqual(product.body, [
    { seller_external_id: ['Object with external_id=demo-bmw does not exist.'] },
  ])
  const order = await theirs.post('/api/sync/orders/', {
    json: [{ external_id: 'demo-alice', customer_external_id: 'demo-alice' }],
  })
  assert.deepEqual(order.body, [
    { customer_external_id: ['Object with external_id=demo-alice does not exist.'] },
  ])
  // The same shop id in another company is another user, not this company's.
  const user = await theirs.post('/api/sync/users/', {
    json: [{ external_id: 'demo-alice', email: 'alice@parley.test' }],
  })
  assert.equal(user.status, 200)
  assert.notEqual(user.body.results[0].id, parley.demo.users.alice.id)
})
