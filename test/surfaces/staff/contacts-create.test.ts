import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const seedExample = {
  subject: 'New Contact',
  message: 'Hello, this is a test contact.',
  first_name: 'John',
  last_name: 'Doe',
  email: 'john.doe@example.com',
  mobile_number: '+1234567890',
}
const isoDate = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

test("seed 002's request gives 201 with every response field the seed lists", async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const response = await staff.post('/api/contacts/', { json: seedExample })
  assert.equal(response.status, 201)
  const body = response.body
  assert.equal(typeof body.id, 'number')
  assert.equal(body.subject, 'New Contact')
  assert.equal(body.message, 'Hello, this is a test contact.')
  assert.equal(body.first_name, 'John')
  assert.equal(body.last_name, 'Doe')
  assert.equal(body.email, 'john.doe@example.com')
  assert.equal(body.mobile_number, '+1234567890')
  assert.equal(body.viewed, false)
  assert.equal(body.viewed_at, null)
  assert.match(body.created_at, isoDate)
  assert.match(body.updated_at, isoDate)
  assert.equal(body.source, 'staff')
  assert.equal(body.attachment, null)
  assert.deepEqual(body.emails, [])
})

test('the trailing slash is optional and form and multipart bodies work like JSON', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.admin.token)
  const form = await staff.post('/api/contacts', { form: { subject: 'By form', first_name: 'Fay' } })
  assert.equal(form.status, 201)
  assert.equal(form.body.subject, 'By form')
  assert.equal(form.body.first_name, 'Fay')
  assert.equal(form.body.message, '')
  const multipart = await staff.post('/api/contacts/', {
    multipart: { subject: 'By multipart', email: 'm@x.io' },
  })
  assert.equal(multipart.status, 201)
  assert.equal(multipart.body.email, 'm@x.io')
})

test('every problem with the body is reported at once in DRF wording', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const missing = await staff.post('/api/contacts/', { json: { first_name: 'x'.repeat(151), email: 'nope' } })
  assert.equal(missing.status, 400)
  assert.deepEqual(missing.body, {
    subject: ['This field is required.'],
    first_name: ['Ensure this field has no more than 150 characters.'],
    email: ['Enter a valid email address.'],
  })
  const blank = await staff.post('/api/contacts/', {
    json: {
      subject: '   ',
      last_name: 'y'.repeat(151),
      mobile_number: '1'.repeat(31),
      email: `${'a'.repeat(250)}@x.io`,
    },
  })
  assert.equal(blank.status, 400)
  assert.deepEqual(blank.body, {
    subject: ['This field may not be blank.'],
    last_name: ['Ensure this field has no more than 150 characters.'],
    mobile_number: ['Ensure this field has no more than 30 characters.'],
    email: ['Ensure this field has no more than 254 characters.'],
  })
  const empty = await staff.post('/api/contacts/', { json: { subject: '' } })
  assert.deepEqual(empty.body, { subject: ['This field may not be blank.'] })
})

test('values are trimmed as DRF trims them and a blank email is allowed', async () => {
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  const response = await staff.post('/api/contacts/', { json: { subject: '  Padded  ', email: '' } })
  assert.equal(response.status, 201)
  assert.equal(response.body.subject, 'Padded')
  assert.equal(response.body.email, '')
})
