import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { contactsFrom, encode, encodings, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let browser: HttpClient

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
  browser = await guestBrowser(parley)
})
after(() => parley.close())

const submit = (body: Parameters<HttpClient['post']>[1]) => browser.post('/users/contact-us/', body)
const required = 'This field is required.'

for (const encoding of encodings) {
  test(`${encoding}: a valid form is 200 with an empty body and stored as a contact`, async () => {
    const form = validForm(parley, { phone: '+90 555 000 00 00', full_name: 'Grace Hopper' })
    const response = await submit(encode(encoding, form))
    assert.equal(response.status, 200)
    assert.equal(response.text, '')
    const [contact] = await contactsFrom(parley, form.email)
    assert.equal(contact?.subjectId, parley.demo.subjects.general.id)
    assert.equal(contact?.firstName, 'Grace')
    assert.equal(contact?.lastName, 'Hopper')
    assert.equal(contact?.mobileNumber, '+90 555 000 00 00')
    assert.equal(contact?.message, 'Hello there')
    assert.equal(contact?.operation, 'default')
    assert.equal(contact?.userId, null)
  })

  test(`${encoding}: every missing required field is reported at once`, async () => {
    const response = await submit(encode(encoding, { phone: '1' }))
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      subject: [required],
      full_name: [required],
      email: [required],
      message: [required],
    })
  })

  test(`${encoding}: blank fields are refused as DRF refuses them`, async () => {
    const response = await submit(encode(encoding, { subject: '', full_name: '', email: '', message: '  ' }))
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      // A relation given as an empty string is null to DRF.
      subject: ['This field may not be null.'],
      full_name: ['This field may not be blank.'],
      email: ['This field may not be blank.'],
      message: ['This field may not be blank.'],
    })
  })

  test(`${encoding}: lengths, email, subject type and operation length fail together`, async () => {
    const response = await submit(
      encode(encoding, {
        subject: 'abc',
        full_name: 'x'.repeat(71),
        email: 'not-an-email',
        phone: '1'.repeat(71),
        message: 'Hello',
        operation: 'o'.repeat(31),
      }),
    )
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, {
      subject: ['Incorrect type. Expected pk value, received str.'],
      full_name: ['Ensure this field has no more than 70 characters.'],
      email: ['Enter a valid email address.'],
      phone: ['Ensure this field has no more than 70 characters.'],
      operation: ['Ensure this field has no more than 30 characters.'],
    })
  })

  test(`${encoding}: an unknown subject does not exist`, async () => {
    const response = await submit(encode(encoding, validForm(parley, { subject: '999' })))
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { subject: ['Invalid pk "999" - object does not exist.'] })
  })

  test(`${encoding}: the limits themselves are allowed, and an empty order means none`, async () => {
    const form = validForm(parley, { full_name: 'x'.repeat(70), phone: '1'.repeat(70), order: '' })
    const response = await submit(encode(encoding, form))
    assert.equal(response.status, 200)
    const [contact] = await contactsFrom(parley, form.email)
    assert.equal(contact?.orderId, null)
  })
}

test('a numeric string is coerced to the subject id, and strings are trimmed', async () => {
  const form = validForm(parley, { subject: String(parley.demo.subjects.general.id), full_name: '  Grace  ' })
  const response = await submit({ json: { ...form, email: ` ${form.email} ` } })
  assert.equal(response.status, 200)
  const [contact] = await contactsFrom(parley, form.email)
  assert.equal(contact?.firstName, 'Grace')
})

test('JSON null is refused, not coerced to 0 or an empty string', async () => {
  const response = await submit({
    json: { subject: null, full_name: null, email: null, message: null, phone: null, operation: null },
  })
  assert.equal(response.status, 400)
  const notNull = ['This field may not be null.']
  assert.deepEqual(response.body, {
    subject: notNull,
    full_name: notNull,
    email: notNull,
    message: notNull,
    phone: notNull,
    operation: notNull,
  })
})

test('JSON values of the wrong type are worded as DRF words them', async () => {
  const response = await submit({
    json: validForm(parley, { subject: true, full_name: { a: 1 }, phone: [] }),
  })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, {
    subject: ['Incorrect type. Expected pk value, received bool.'],
    full_name: ['Not a valid string.'],
    phone: ['Not a valid string.'],
  })
})

test('a body that is not an object is a non-field error', async () => {
  const list = await submit({ json: [1, 2] })
  assert.equal(list.status, 400)
  assert.deepEqual(list.body, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] })
  const empty = await submit(undefined)
  assert.equal(empty.status, 400)
  assert.deepEqual(Object.keys(empty.body), ['subject', 'full_name', 'email', 'message'])
})

test('a body that cannot be parsed is a 400 with a detail, never a 500', async () => {
  const json = await submit({ raw: '{"subject": ', contentType: 'application/json' })
  assert.equal(json.status, 400)
  assert.equal(typeof json.body.detail, 'string')
  const multipart = await submit({ raw: 'garbage', contentType: 'multipart/form-data; boundary=x' })
  assert.equal(multipart.status, 400)
  assert.match(multipart.body.detail, /^Multipart form parse error - /)
})
