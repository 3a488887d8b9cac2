import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { otherCompany } from './other-company.ts'
import { signedInStaff } from './staff-session.ts'

let smtp: SmtpSink
let parley: TestApp
let inbox: HttpClient

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000', OUTBOX_MAX_ATTEMPTS: '1' },
  })
  inbox = await signedInStaff(parley)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** A contact-us form from a guest; returns its contact as staff see it, and the sender's address. */
async function submitted() {
  const form = validForm(parley)
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: form })).status, 200)
  const found = await inbox.get(`/api/contacts/?search=${encodeURIComponent(form.email)}`)
  assert.equal(found.body.count, 1)
  return { contact: found.body.results[0], email: form.email }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

test('a new contact is open, unassigned and unanswered; PATCH sets status and assignee, and the list filters on them', async () => {
  const unviewedBefore = (await inbox.get('/api/contacts/?page_size=1')).body.total_unviewed
  const { contact } = await submitted()
  assert.equal((await inbox.get('/api/contacts/?page_size=1')).body.total_unviewed, unviewedBefore + 1)
  assert.equal(contact.status, 'open')
  assert.equal(contact.assignee, null)
  assert.deepEqual(contact.replies, [])
  const { staff } = parley.demo.users
  const patched = await inbox.patch(`/api/contacts/${contact.id}/`, {
    json: { status: 'resolved', assignee: staff.id },
  })
  assert.equal(patched.status, 200)
  assert.equal(patched.body.status, 'resolved')
  assert.deepEqual(patched.body.assignee, {
    id: staff.id,
    email: staff.email,
    first_name: 'Sam',
    last_name: 'Staff',
  })
  const mine = await inbox.get(`/api/contacts/?status=resolved&assignee=${staff.id}`)
  assert.ok(mine.body.results.some((row: { id: number }) => row.id === contact.id))
  const open = await inbox.get('/api/contacts/?status=open&page_size=100')
  assert.ok(!open.body.results.some((row: { id: number }) => row.id === contact.id))
  const cleared = await inbox.patch(`/api/contacts/${contact.id}/`, { json: { assignee: null } })
  assert.equal(cleared.body.assignee, null)
  const nobody = await inbox.get('/api/contacts/?assignee=none&page_size=100')
  assert.ok(nobody.body.results.some((row: { id: number }) => row.id === contact.id))
})

test('an assignee who is not staff of the company, and an unknown status, are field errors', async () => {
  const { contact } = await submitted()
  const { alice } = parley.demo.users
  const customer = await inbox.patch(`/api/contacts/${contact.id}/`, { json: { assignee: alice.id } })
  assert.equal(customer.status, 400)
  assert.deepEqual(customer.body, { assignee: [`Invalid pk "${alice.id}" - object does not exist.`] })
  const unknown = await inbox.patch(`/api/contacts/${contact.id}/`, { json: { assignee: 999999 } })
  assert.deepEqual(unknown.body, { assignee: ['Invalid pk "999999" - object does not exist.'] })
  const status = await inbox.patch(`/api/contacts/${contact.id}/`, { json: { status: 'closed' } })
  assert.equal(status.status, 400)
  assert.deepEqual(status.body, { status: ['"closed" is not a valid choice.'] })
  const unchanged = await inbox.get(`/api/contacts/${contact.id}/`)
  assert.equal(unchanged.body.status, 'open')
  assert.equal(unchanged.body.assignee, null)
})

/** The first email received that `matches`, once it has arrived. */
const mailWhere = (matches: (mail: ReceivedMail) => boolean, what: string) =>
  until(
    async () => smtp.received.find(matches),
    (mail) => mail !== undefined,
    what,
  )

/** Waits until the outbox has nothing left to send, so a test's refusals meet its own emails only. */
const outboxDrained = () =>
  until(
    () => parley.app.outbox.queued(),
    (queued) => queued === 0,
    'the outbox',
  )

test('an answer is kept on the contact and reaches the sender threaded to the staff email', async () => {
  const { contact, email } = await submitted()
  const staffMail = await mailWhere(
    (mail) => (mail.headers.get('subject') ?? '').startsWith(`Contact us #${contact.id}:`),
    'the staff email',
  )
  const staffMessageId = staffMail?.headers.get('message-id')
  assert.ok(staffMessageId, 'the staff email has a Message-ID')
  assert.deepEqual(staffMail?.recipients, ['support@parley.test'])

  const answered = await inbox.post(`/api/contacts/${contact.id}/replies/`, {
    json: { body: '  We have shipped a replacement.  ' },
  })
  assert.equal(answered.status, 201)
  const { staff } = parley.demo.users
  assert.equal(answered.body.body, 'We have shipped a replacement.')
  assert.equal(answered.body.author.id, staff.id)
  assert.equal(answered.body.email.status, 'pending')

  const reply = await mailWhere((mail) => mail.recipients.includes(email), 'the answer')
  assert.deepEqual(reply?.recipients, [email])
  assert.equal(reply?.headers.get('in-reply-to'), staffMessageId)
  assert.equal(reply?.headers.get('references'), staffMessageId)
  assert.match(reply?.headers.get('subject') ?? '', /^Re: General question$/)
  assert.match(reply?.body ?? '', /We have shipped a replacement\./)

  const shown = await until(
    () => inbox.get(`/api/contacts/${contact.id}/`),
    (response) => response.body.replies[0]?.email?.status === 'sent',
    'the answer to be sent',
  )
  assert.equal(shown.body.replies.length, 1)
  assert.equal(shown.body.replies[0].id, answered.body.id)
  assert.ok(shown.body.emails.some((one: { id: number }) => one.id === answered.body.email.id))
})

test('an answer needs a body, and a contact with an address', async () => {
  const { contact } = await submitted()
  const blank = await inbox.post(`/api/contacts/${contact.id}/replies/`, { json: { body: '   ' } })
  assert.equal(blank.status, 400)
  assert.deepEqual(Object.keys(blank.body), ['body'])
  const missing = await inbox.post(`/api/contacts/${contact.id}/replies/`, { json: {} })
  assert.deepEqual(missing.body, { body: ['This field is required.'] })
  const long = await inbox.post(`/api/contacts/${contact.id}/replies/`, {
    json: { body: 'x'.repeat(10_001) },
  })
  assert.equal(long.status, 400)
  const noAddress = (await inbox.post('/api/contacts/', { json: { subject: 'By phone' } })).body
  const refused = await inbox.post(`/api/contacts/${noAddress.id}/replies/`, { json: { body: 'Hello' } })
  assert.equal(refused.status, 400)
  assert.deepEqual(refused.body, { non_field_errors: ['This contact has no email address to answer.'] })
})

test('a failed email can be sent again, and only a failed one', async () => {
  await outboxDrained()
  smtp.refuse(1)
  const { contact } = await submitted()
  const failed = await until(
    () => inbox.get(`/api/contacts/${contact.id}/`),
    (response) => response.body.emails[0]?.status === 'failed',
    'the email to fail',
  )
  const emailId = failed.body.emails[0].id
  const retried = await inbox.post(`/api/contacts/${contact.id}/emails/${emailId}/retry/`)
  assert.equal(retried.status, 200)
  assert.equal(retried.body.id, emailId)
  assert.equal(retried.body.status, 'pending')
  assert.equal(retried.body.attempts, 0)
  const sent = await until(
    () => inbox.get(`/api/contacts/${contact.id}/`),
    (response) => response.body.emails[0]?.status === 'sent',
    'the email to be sent',
  )
  assert.equal(sent.body.emails[0].id, emailId)
  const again = await inbox.post(`/api/contacts/${contact.id}/emails/${emailId}/retry/`)
  assert.equal(again.status, 400)
  assert.deepEqual(again.body, { non_field_errors: ['Only a failed email can be sent again.'] })
  const { contact: another } = await submitted()
  const wrongContact = await inbox.post(`/api/contacts/${another.id}/emails/${emailId}/retry/`)
  assert.equal(wrongContact.status, 404)
})

test('another company’s staff cannot see, change, answer or retry a contact: 404', async () => {
  const { contact } = await submitted()
  const stranger = withToken(parley.baseUrl, (await otherCompany(parley)).token)
  const emailId = (await inbox.get(`/api/contacts/${contact.id}/`)).body.emails[0].id
  const attempts = [
    await stranger.get(`/api/contacts/${contact.id}/`),
    await stranger.patch(`/api/contacts/${contact.id}/`, { json: { status: 'resolved' } }),
    await stranger.post(`/api/contacts/${contact.id}/replies/`, { json: { body: 'Hi' } }),
    await stranger.post(`/api/contacts/${contact.id}/emails/${emailId}/retry/`),
  ]
  for (const response of attempts) {
    assert.equal(response.status, 404)
    assert.deepEqual(response.body, { detail: 'Not found.' })
  }
  const shown = await inbox.get(`/api/contacts/${contact.id}/`)
  assert.equal(shown.body.status, 'open')
  assert.deepEqual(shown.body.replies, [])
})

test('an answer by session needs the CSRF token; by API key it does not', async () => {
  const { contact } = await submitted()
  const forged = await inbox.post(
    `/api/contacts/${contact.id}/replies/`,
    { json: { body: 'x' } },
    { csrf: false },
  )
  assert.equal(forged.status, 403)
  assert.match(forged.body.detail, /^CSRF Failed/)
  const api = withToken(parley.baseUrl, parley.demo.users.admin.token)
  const answered = await api.post(`/api/contacts/${contact.id}/replies/`, { json: { body: 'By key' } })
  assert.equal(answered.status, 201)
  assert.equal(answered.body.author.id, parley.demo.users.admin.id)
})
