import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { type TestApp, startTestApp } from '../../helpers/test-app.ts'

let smtp: SmtpSink
let parley: TestApp

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({ env: { SMTP_URL: smtp.url } })
})
after(async () => {
  await parley.close()
  await smtp.close()
})

test('a guest submits the contact form and support receives it over SMTP', async () => {
  const client = new HttpClient(parley.baseUrl)
  await client.get('/users/contact-us-subjects/')
  const response = await client.post('/users/contact-us/', {
    multipart: {
      subject: String(parley.demo.subjects.general.id),
      full_name: 'Grace Guest',
      email: 'grace@example.com',
      message: 'Hello there',
    },
  })
  assert.equal(response.status, 200)
  assert.equal(response.text, '')
  const [mail] = await smtp.waitFor(1)
  assert.deepEqual(mail?.recipients, ['support@parley.test'])
  assert.match(mail?.headers.get('subject') ?? '', /General question/)
})
