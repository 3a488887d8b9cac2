import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { and, eq, inArray, ne } from 'drizzle-orm'
import { outbox } from '../../../src/db/schema/index.ts'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

// A client that lost the answer to a stored contact-us form sends it again with the same Idempotency-Key:
// the form is stored once and mailed once (issue 24).

let smtp: SmtpSink
let parley: TestApp

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({ env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000' } })
})
after(async () => {
  await parley.close()
  await smtp.close()
})

const send = (client: HttpClient, form: Record<string, unknown>, key: string) =>
  client.post('/users/contact-us/', { json: form }, { headers: { 'idempotency-key': key } })

async function emailsOf(email: string) {
  const stored = await contactsFrom(parley, email)
  const ids = stored.map((contact) => contact.id)
  const rows =
    ids.length === 0 ? [] : await parley.db.select().from(outbox).where(inArray(outbox.contactId, ids))
  return { contacts: stored, outbox: rows }
}

/** Waits until the worker has delivered every queued email, then the mails the server received for a form. */
async function deliveredFor(email: string) {
  for (;;) {
    const pending = await parley.db.select().from(outbox).where(ne(outbox.status, 'sent'))
    if (pending.length === 0) break
    await new Promise((resolve) => setImmediate(resolve))
  }
  return smtp.received.filter((mail) => mail.raw.includes(email))
}

test('a retried form with the same key answers 200 and stores and mails nothing twice', async () => {
  const browser = await guestBrowser(parley)
  const form = validForm(parley)
  const key = randomUUID()
  const first = await send(browser, form, key)
  assert.equal(first.status, 200)
  const retry = await send(browser, form, key)
  assert.equal(retry.status, 200)
  assert.equal(retry.text, first.text)
  const { contacts, outbox: queued } = await emailsOf(form.email)
  assert.equal(contacts.length, 1)
  assert.equal(queued.length, 1, 'the staff email is queued once')
  assert.equal((await deliveredFor(form.email)).length, 1, 'and delivered once')

  const without = validForm(parley)
  await browser.post('/users/contact-us/', { json: without })
  await browser.post('/users/contact-us/', { json: without })
  assert.equal((await contactsFrom(parley, without.email)).length, 2, 'without a key every form is stored')
})

test('the same key with another form is refused with 422 and stores nothing', async () => {
  const browser = await guestBrowser(parley)
  const key = randomUUID()
  const form = validForm(parley)
  assert.equal((await send(browser, form, key)).status, 200)
  const other = await send(browser, { ...form, message: 'Something else' }, key)
  assert.equal(other.status, 422)
  assert.deepEqual(other.body, { detail: 'This Idempotency-Key was already used with a different request.' })
  assert.equal((await contactsFrom(parley, form.email)).length, 1)
  const blank = await browser.post(
    '/users/contact-us/',
    { json: validForm(parley) },
    { headers: { 'idempotency-key': '' } },
  )
  assert.equal(blank.status, 400)
})

test('a form with a file is the same request only with the same file', async () => {
  const browser = await guestBrowser(parley)
  const form = Object.fromEntries(
    Object.entries(validForm(parley)).map(([name, value]) => [name, String(value)]),
  )
  const key = randomUUID()
  const withFile = (content: string) =>
    browser.post(
      '/users/contact-us/',
      { multipart: { ...form, file: { filename: 'order.txt', content } } },
      { headers: { 'idempotency-key': key } },
    )
  assert.equal((await withFile('order 1001, two items')).status, 200)
  assert.equal((await withFile('order 1001, two items')).status, 200)
  assert.equal((await withFile('order 1001, three items')).status, 422, 'another file under the same key')
  const { contacts, outbox: queued } = await emailsOf(String(form.email))
  assert.equal(contacts.length, 1)
  assert.equal(queued.length, 1)
})

test('concurrent retries of one form store it once and queue its emails once', async () => {
  const browser = await guestBrowser(parley)
  const form = validForm(parley)
  const key = randomUUID()
  const answers = await Promise.all(Array.from({ length: 6 }, () => send(browser, form, key)))
  assert.deepEqual(
    answers.map((answer) => answer.status),
    Array(6).fill(200),
  )
  const { contacts, outbox: queued } = await emailsOf(form.email)
  assert.equal(contacts.length, 1)
  assert.equal(queued.length, 1)
  assert.equal((await deliveredFor(form.email)).length, 1)
})

test('a signed-in user’s keys are their own', async () => {
  const alice = new HttpClient(parley.baseUrl)
  await alice.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  const guest = await guestBrowser(parley)
  const key = randomUUID()
  const form = validForm(parley)
  assert.equal((await send(alice, form, key)).status, 200)
  assert.equal((await send(guest, form, key)).status, 200)
  const stored = await contactsFrom(parley, form.email)
  assert.equal(stored.length, 2, 'the guest’s form is not taken for Alice’s')
  const alices = stored.filter((contact) => contact.userId === parley.demo.users.alice.id)
  assert.equal(alices.length, 1)
  assert.equal(
    (
      await parley.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.contactId, alices[0]?.id ?? 0)))
    ).length,
    1,
  )
})
