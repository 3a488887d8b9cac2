import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let alice: HttpClient

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
  alice = new HttpClient(parley.baseUrl)
  const login = await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  assert.equal(login.status, 200)
})
after(() => parley.close())

const orderForm = (overrides: Record<string, unknown> = {}) =>
  validForm(parley, { subject: parley.demo.subjects.order.id, ...overrides })

test('a subject that needs an order refuses a form without one', async () => {
  const response = await alice.post('/users/contact-us/', { json: orderForm() })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, { order: ['This field is required.'] })
})

test('a guest cannot satisfy an order subject: no order is theirs', async () => {
  const guest = await guestBrowser(parley)
  const id = parley.demo.orders.alice.id
  const form = orderForm({ order: id })
  const response = await guest.post('/users/contact-us/', { json: form })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body.order, [`Invalid pk "${id}" - object does not exist.`])
})

test("another customer's order is as absent as a missing one", async () => {
  const bobs = parley.demo.orders.bob.id
  const response = await alice.post('/users/contact-us/', { json: orderForm({ order: bobs }) })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, { order: [`Invalid pk "${bobs}" - object does not exist.`] })
  const missing = await alice.post('/users/contact-us/', { json: orderForm({ order: 999_999 }) })
  assert.deepEqual(missing.body, { order: ['Invalid pk "999999" - object does not exist.'] })
})

test("the customer's own order is linked to the contact and to the user", async () => {
  const form = orderForm({ order: String(parley.demo.orders.alice.id) })
  const response = await alice.post('/users/contact-us/', {
    multipart: { ...form, subject: String(form.subject) },
  })
  assert.equal(response.status, 200)
  const [contact] = await contactsFrom(parley, form.email)
  assert.equal(contact?.orderId, parley.demo.orders.alice.id)
  assert.equal(contact?.userId, parley.demo.users.alice.id)
})

test('an order given with a general subject must still be the customer’s own', async () => {
  const bobs = parley.demo.orders.bob.id
  const response = await alice.post('/users/contact-us/', { json: validForm(parley, { order: bobs }) })
  assert.deepEqual(response.body, { order: [`Invalid pk "${bobs}" - object does not exist.`] })
})
