import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq } from 'drizzle-orm'
import { outbox } from '../../../src/db/schema/index.ts'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { type ReceivedMail, type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

const CC = 'cc-desk@parley.test'
const BCC = 'bcc-audit@parley.test'
const STAFF = ['support@parley.test', CC, BCC]

let smtp: SmtpSink
let parley: TestApp
let browser: HttpClient
let customer: HttpClient
let admin: HttpClient

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      CONTACT_US_RATE_PER_MINUTE: '1000',
      EMAIL_BCC_AND_CC: JSON.stringify({ contact_us: { cc: [CC], bcc: [BCC] } }),
      CONTACT_US_REPLY_TO_ONLY_USER: 'true',
      CONTACT_US_SEND_USER: 'true',
    },
  })
  browser = await guestBrowser(parley)
  customer = await guestBrowser(parley)
  const { email, password } = parley.demo.users.alice
  assert.equal((await customer.login(email, password)).status, 200)
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** Submits a form and returns the emails it caused: the staff email, and the user copy when one is sent. */
async function submit(form: Record<string, unknown>, expected: number, client = browser) {
  const before = smtp.received.length
  const response = await client.post('/users/contact-us/', { json: form })
  assert.equal(response.status, 200)
  await smtp.waitFor(before + expected)
  const mails = smtp.received.slice(before)
  assert.equal(mails.length, expected)
  const staff = mails.find((mail) => mail.recipients.includes('support@parley.test'))
  const copy = mails.find((mail) => mail !== staff)
  return { staff: staff as ReceivedMail, copy }
}

const headerNames = (mail: ReceivedMail) => [...mail.headers.keys()]

test('Cc is in the headers and the envelope; Bcc is in the envelope only', async () => {
  const { staff } = await submit(validForm(parley), 1)
  assert.deepEqual([...staff.recipients].sort(), [...STAFF].sort())
  assert.equal(staff.headers.get('to'), 'support@parley.test')
  assert.equal(staff.headers.get('cc'), CC)
  assert.equal(headerNames(staff).includes('bcc'), false)
  assert.equal(staff.raw.includes(BCC), false, 'the Bcc address appears nowhere in the message')
})

test('Reply-To is exactly the submitter when CONTACT_US_REPLY_TO_ONLY_USER is on', async () => {
  const form = validForm(parley)
  const { staff } = await submit(form, 1)
  assert.equal(staff.headers.get('reply-to'), form.email)
})

test('the user copy goes to the signed-in user alone and shows no staff address', async () => {
  const form = validForm(parley)
  const own = parley.demo.users.alice.email
  const { copy } = await submit(form, 2, customer)
  assert.ok(copy)
  assert.deepEqual(copy.recipients, [own])
  assert.equal(copy.headers.get('to'), own)
  assert.equal(copy.raw.includes(form.email.split('@')[0] as string), true, 'the copy shows what was sent')
  assert.equal(copy.headers.has('cc'), false)
  assert.equal(copy.headers.has('reply-to'), false)
  for (const address of STAFF) assert.equal(copy.raw.includes(address), false, `${address} is not exposed`)
  assert.match(copy.body, /Hello there/)
})

test('a guest form gets no copy, whatever address it names: the shop relays nothing', async () => {
  const victim = `victim-${crypto.randomUUID()}@elsewhere.example`
  const { staff, copy } = await submit(validForm(parley, { email: victim, message: 'Buy cheap watches' }), 1)
  assert.equal(copy, undefined)
  assert.deepEqual(
    smtp.received.filter((mail) => mail.recipients.includes(victim)),
    [],
    'nothing was sent to the address the form named',
  )
  assert.equal(staff.headers.get('reply-to'), victim, 'staff still see who wrote')
})

test('a signed-in form naming another address sends the copy to the account, not to it', async () => {
  const victim = `victim-${crypto.randomUUID()}@elsewhere.example`
  const { copy } = await submit(validForm(parley, { email: victim }), 2, customer)
  assert.deepEqual(copy?.recipients, [parley.demo.users.alice.email])
  assert.equal(smtp.received.filter((mail) => mail.recipients.includes(victim)).length, 0)
})

test('CR/LF in the name never reaches a header', async () => {
  const injected = 'Eve\r\nBcc: victim@evil.example\r\nX-Injected: yes'
  const { staff, copy } = await submit(validForm(parley, { full_name: injected }), 2, customer)
  for (const mail of [staff, copy as ReceivedMail]) {
    assert.equal(mail.headers.has('x-injected'), false)
    assert.equal(mail.headers.has('bcc'), false)
    assert.equal(mail.recipients.includes('victim@evil.example'), false)
  }
  assert.match(staff.headers.get('subject') ?? '', /Eve Bcc: victim@evil\.example X-Injected: yes/)
})

test('with both switches off: no Reply-To and no user copy, on the very next request', async () => {
  for (const key of ['CONTACT_US_REPLY_TO_ONLY_USER', 'CONTACT_US_SEND_USER']) {
    const response = await admin.put(`/api/settings/${key}/`, { json: { value: false } })
    assert.equal(response.status, 200)
  }
  const form = validForm(parley)
  const { staff } = await submit(form, 1)
  assert.equal(staff.headers.has('reply-to'), false)
  const [contact] = await contactsFrom(parley, form.email)
  const queued = await parley.db
    .select()
    .from(outbox)
    .where(eq(outbox.contactId, contact?.id ?? 0))
  assert.equal(queued.length, 1, 'only the staff email was queued')
})

test('each email has its own Message-ID, the staff email and its user copy included', async () => {
  // Over this test's own mail only: counting what earlier tests left, it passed with no mail at all.
  const response = await admin.put('/api/settings/CONTACT_US_SEND_USER/', { json: { value: true } })
  assert.equal(response.status, 200)
  const first = smtp.received.length
  for (const client of [customer, customer, browser]) {
    const { staff, copy } = await submit(validForm(parley), client === customer ? 2 : 1, client)
    assert.equal(copy === undefined, client !== customer)
    assert.ok(staff)
  }
  const ids = smtp.received.slice(first).map((mail) => mail.headers.get('message-id'))
  assert.equal(ids.length, 5)
  assert.equal(new Set(ids).size, ids.length)
  assert.ok(ids.every((id) => /^<[^@>\s]+@[^>\s]+>$/.test(id ?? '')))
})
