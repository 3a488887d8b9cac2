import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { removeBlobHolding } from '../../helpers/blobs.ts'
import { type HttpClient as Client, HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let staff: Client

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
})
after(() => parley.close())

const newContact = async (subject = 'Detail') =>
  (await staff.post('/api/contacts/', { json: { subject } })).body

test('the first retrieval marks a contact viewed; later ones keep the first time', async () => {
  const created = await newContact()
  const first = await staff.get(`/api/contacts/${created.id}`)
  assert.equal(first.status, 200)
  assert.equal(first.body.viewed, true)
  assert.ok(first.body.viewed_at)
  const second = await staff.get(`/api/contacts/${created.id}/`)
  assert.equal(second.body.viewed_at, first.body.viewed_at)
  const listed = await staff.get('/api/contacts?viewed=true')
  assert.ok(listed.body.results.some((contact: { id: number }) => contact.id === created.id))
})

test('listing does not mark contacts viewed', async () => {
  const created = await newContact('Only listed')
  await staff.get('/api/contacts/')
  const listed = await staff.get('/api/contacts?search=listed')
  assert.equal(listed.body.results[0].viewed, false)
  assert.equal(listed.body.results[0].id, created.id)
})

test('PATCH edits fields and viewed=false marks it unread again', async () => {
  const created = await newContact()
  await staff.get(`/api/contacts/${created.id}`)
  const patched = await staff.patch(`/api/contacts/${created.id}`, {
    json: { viewed: false, first_name: 'Nia', email: 'nia@example.com' },
  })
  assert.equal(patched.status, 200)
  assert.equal(patched.body.viewed, false)
  assert.equal(patched.body.viewed_at, null)
  assert.equal(patched.body.first_name, 'Nia')
  assert.equal(patched.body.subject, 'Detail')
  assert.ok(patched.body.updated_at >= created.updated_at)
  const viewedAgain = await staff.patch(`/api/contacts/${created.id}/`, { form: { viewed: 'true' } })
  assert.equal(viewedAgain.body.viewed, true)
  assert.ok(viewedAgain.body.viewed_at)
  const invalid = await staff.patch(`/api/contacts/${created.id}`, { json: { email: 'bad', subject: '' } })
  assert.equal(invalid.status, 400)
  assert.deepEqual(invalid.body, {
    subject: ['This field may not be blank.'],
    email: ['Enter a valid email address.'],
  })
})

test('PUT needs the subject like a create', async () => {
  const created = await newContact()
  const missing = await staff.put(`/api/contacts/${created.id}`, { json: { message: 'm' } })
  assert.equal(missing.status, 400)
  assert.deepEqual(missing.body, { subject: ['This field is required.'] })
  const put = await staff.put(`/api/contacts/${created.id}`, { json: { subject: 'Replaced', message: 'm' } })
  assert.equal(put.status, 200)
  assert.equal(put.body.subject, 'Replaced')
  // Stored, not only echoed: a fresh read shows the replacement.
  const read = await staff.get(`/api/contacts/${created.id}`)
  assert.deepEqual([read.body.subject, read.body.message], ['Replaced', 'm'])
})

test('DELETE answers 204 and the contact is gone', async () => {
  const created = await newContact()
  const deleted = await staff.delete(`/api/contacts/${created.id}`)
  assert.equal(deleted.status, 204)
  assert.equal(deleted.text, '')
  const gone = await staff.get(`/api/contacts/${created.id}`)
  assert.equal(gone.status, 404)
  assert.deepEqual(gone.body, { detail: 'Not found.' })
  assert.equal((await staff.delete(`/api/contacts/${created.id}`)).status, 404)
  assert.equal((await staff.get('/api/contacts/not-a-number')).status, 404)
})

test('a contact-us submission shows its subject, order, operation, user, attachment and emails', async () => {
  const alice = new HttpClient(parley.baseUrl)
  await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  const file = 'receipt line 1\n'
  const submitted = await alice.post('/users/contact-us/', {
    multipart: {
      subject: String(parley.demo.subjects.order.id),
      full_name: 'Alice Archer',
      email: 'alice@parley.test',
      message: 'Brake pads missing',
      order: String(parley.demo.orders.alice.id),
      operation: 'order',
      file: { filename: 'receipt.txt', content: file, type: 'text/plain' },
    },
  })
  assert.equal(submitted.status, 200)
  const listed = await staff.get('/api/contacts?search=brake')
  assert.equal(listed.body.count, 1)
  const contact = listed.body.results[0]
  assert.equal(contact.source, 'contact_us')
  assert.equal(contact.subject, 'Problem with my order')
  assert.equal(contact.subject_id, parley.demo.subjects.order.id)
  const names = new Map([
    [parley.demo.products.brakes.id, 'BMW E46 brake pads'],
    [parley.demo.products.mirror.id, 'BMW E46 side mirror'],
  ])
  assert.deepEqual(contact.order, {
    id: parley.demo.orders.alice.id,
    number: 'DEMO-ALICE',
    items: parley.demo.orders.alice.items.map((item) => ({
      id: item.id,
      product_name: names.get(item.product_id),
      quantity: 1,
    })),
  })
  const bySubject = await staff.get(`/api/contacts?subject=${parley.demo.subjects.order.id}&operation=order`)
  assert.deepEqual(
    bySubject.body.results.map((row: { id: number }) => row.id),
    [contact.id],
  )
  assert.equal((await staff.get('/api/contacts?search=brake&operation=default')).body.count, 0)
  assert.equal(
    (await staff.get(`/api/contacts?search=brake&subject=${parley.demo.subjects.general.id}`)).body.count,
    0,
  )
  assert.equal(contact.operation, 'order')
  assert.deepEqual(contact.user, { id: parley.demo.users.alice.id, email: 'alice@parley.test' })
  assert.equal(contact.first_name, 'Alice')
  assert.equal(contact.last_name, 'Archer')
  assert.deepEqual(contact.attachment, {
    name: 'receipt.txt',
    size: Buffer.byteLength(file),
    content_type: 'text/plain',
    url: `${parley.baseUrl}/api/contacts/${contact.id}/attachment`,
  })
  assert.equal(contact.emails.length, 1)
  assert.deepEqual(contact.emails[0].to, ['orders@parley.test'])
  assert.equal(contact.emails[0].status, 'pending')
  assert.equal(contact.emails[0].attempts, 0)
  assert.equal(contact.emails[0].last_error, null)
  assert.equal(contact.emails[0].sent_at, null)
  assert.match(contact.emails[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  // The list and the detail read the emails alike.
  assert.deepEqual((await staff.get(`/api/contacts/${contact.id}`)).body.emails, contact.emails)

  const download = await staff.get(new URL(contact.attachment.url).pathname)
  assert.equal(download.status, 200)
  assert.equal(download.text, file)
  assert.equal(download.headers.get('content-type'), 'text/plain')
  assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="receipt.txt"/)
  assert.equal(download.headers.get('x-content-type-options'), 'nosniff')

  // Alice's session and her API key are no way in: the file is for staff only (her session is read, as a
  // staff user's would be, and refused for who she is).
  assert.equal((await alice.get(new URL(contact.attachment.url).pathname)).status, 403)
  const aliceKey = withToken(parley.baseUrl, parley.demo.users.alice.token)
  assert.equal((await aliceKey.get(new URL(contact.attachment.url).pathname)).status, 403)
})

test('a contact without an attachment has nothing to download', async () => {
  const created = await newContact()
  const response = await staff.get(`/api/contacts/${created.id}/attachment`)
  assert.equal(response.status, 404)
})

test("an attachment whose file is gone from the data folder is a 404 in the surface's shape", async () => {
  const alice = new HttpClient(parley.baseUrl)
  await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  const file = `lost receipt ${Math.random()}\n`
  const submitted = await alice.post('/users/contact-us/', {
    multipart: {
      subject: String(parley.demo.subjects.general.id),
      full_name: 'Alice Archer',
      email: 'alice@parley.test',
      message: 'Lost receipt',
      file: { filename: 'receipt.txt', content: file, type: 'text/plain' },
    },
  })
  assert.equal(submitted.status, 200)
  const [contact] = (await staff.get('/api/contacts?search=lost%20receipt')).body.results
  await removeBlobHolding(parley.dataDir, Buffer.from(file))
  const download = await staff.get(new URL(contact.attachment.url).pathname)
  assert.equal(download.status, 404)
  assert.deepEqual(download.body, { detail: 'Not found.' })
})
