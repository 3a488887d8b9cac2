import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let smtp: SmtpSink
let parley: TestApp
let browser: HttpClient

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({ env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000' } })
  browser = await guestBrowser(parley)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** Submits a form and returns the one email it caused, found by the submitter's address in its body. */
async function mailFor(form: ReturnType<typeof validForm>) {
  const response = await browser.post('/users/contact-us/', { json: form })
  assert.equal(response.status, 200)
  const deadline = smtp.received.length + 1
  await smtp.waitFor(deadline)
  const mails = smtp.received.filter((mail) => mail.raw.includes(form.email))
  assert.equal(mails.length, 1)
  return mails[0]
}

test('an unknown operation is not a valid choice', async () => {
  const response = await browser.post('/users/contact-us/', { json: validForm(parley, { operation: 'x' }) })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, { operation: ['"x" is not a valid choice.'] })
})

test("the `order` operation goes to that operation's recipients only", async () => {
  const form = validForm(parley, { operation: 'order' })
  const mail = await mailFor(form)
  assert.deepEqual(mail?.recipients, ['orders@parley.test'])
  assert.equal(mail?.headers.get('to'), 'orders@parley.test')
  const [contact] = await contactsFrom(parley, form.email)
  assert.equal(contact?.operation, 'order')
})

test('without an operation the default recipients get the email', async () => {
  const mail = await mailFor(validForm(parley))
  assert.deepEqual(mail?.recipients, ['support@parley.test'])
})

test('`default` may be named explicitly', async () => {
  const mail = await mailFor(validForm(parley, { operation: 'default' }))
  assert.deepEqual(mail?.recipients, ['support@parley.test'])
})
