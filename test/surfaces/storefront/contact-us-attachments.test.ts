import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, test } from 'node:test'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

const BODY_LIMIT = 32 * 1024
const MAX_FILE_SIZE = 8 * 1024

let smtp: SmtpSink
let parley: TestApp
let browser: HttpClient

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      CONTACT_US_RATE_PER_MINUTE: '1000',
      BODY_LIMIT: String(BODY_LIMIT),
      CONTACT_US_MAX_FILE_SIZE: String(MAX_FILE_SIZE),
    },
  })
  browser = await guestBrowser(parley)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('rest of a tiny png'),
])

const blobPath = (key: string) => `${parley.dataDir}/blobs/${key.slice(0, 2)}/${key}`

const withFile = (file: { filename: string; content: Buffer | string }, fields = validForm(parley)) =>
  browser.post('/users/contact-us/', {
    multipart: { ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), file },
  })

test('an allowed file whose content matches is stored and attached to the staff email', async () => {
  const form = validForm(parley)
  const response = await withFile({ filename: 'receipt.png', content: png }, form)
  assert.equal(response.status, 200)
  const [contact] = await contactsFrom(parley, form.email)
  assert.equal(contact?.attachment?.filename, 'receipt.png')
  assert.equal(contact?.attachment?.contentType, 'image/png')
  assert.equal(contact?.attachment?.size, png.length)
  const stored = await readFile(blobPath(contact?.attachment?.key ?? ''))
  assert.deepEqual(stored, png)

  const [mail] = await smtp.waitFor(1)
  assert.match(mail?.raw ?? '', /Content-Type: image\/png; name=receipt\.png/)
  assert.match(mail?.raw ?? '', /Content-Disposition: attachment; filename=receipt\.png/)
  assert.ok(
    mail?.raw.replace(/\r?\n/g, '').includes(png.toString('base64')),
    'the file travels base64-encoded',
  )
})

test('an extension outside the allowed list is refused on `file`', async () => {
  const response = await withFile({ filename: 'virus.exe', content: 'MZ' })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, {
    file: [
      'File extension “exe” is not allowed. Allowed extensions are: jpg, jpeg, png, gif, webp, pdf, txt.',
    ],
  })
})

test('content that does not match its extension is refused on `file`', async () => {
  const response = await withFile({ filename: 'photo.png', content: 'just some text' })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, { file: ["The file's content is not a valid png file."] })
  const binaryText = await withFile({ filename: 'notes.txt', content: png })
  assert.deepEqual(binaryText.body, { file: ["The file's content is not a valid txt file."] })
})

test('a file over the size limit is refused on `file`, with the other fields checked too', async () => {
  const response = await withFile(
    { filename: 'big.txt', content: 'a'.repeat(MAX_FILE_SIZE + 1) },
    validForm(parley, { email: 'nope' }),
  )
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, {
    email: ['Enter a valid email address.'],
    file: ['Ensure this file is no larger than 8.0 KB.'],
  })
  const atLimit = await withFile({ filename: 'ok.txt', content: 'a'.repeat(MAX_FILE_SIZE) })
  assert.equal(atLimit.status, 200)
})

test('an empty file is refused', async () => {
  const response = await withFile({ filename: 'empty.txt', content: '' })
  assert.deepEqual(response.body, { file: ['The submitted file is empty.'] })
})

test('a file field sent as text is not a file', async () => {
  const response = await browser.post('/users/contact-us/', { json: { ...validForm(parley), file: 'x.png' } })
  assert.equal(response.status, 400)
  assert.deepEqual(response.body, {
    file: ['The submitted data was not a file. Check the encoding type on the form.'],
  })
})

test('a body over BODY_LIMIT is 413, whatever its type', async () => {
  const file = await withFile({ filename: 'huge.txt', content: 'a'.repeat(BODY_LIMIT + 1) })
  assert.equal(file.status, 413)
  assert.deepEqual(file.body, { detail: 'Request body is too large.' })
  const json = await browser.post('/users/contact-us/', {
    json: validForm(parley, { message: 'm'.repeat(BODY_LIMIT) }),
  })
  assert.equal(json.status, 413)
  const form = await browser.post('/users/contact-us/', {
    form: { ...validForm(parley), subject: '1', message: 'm'.repeat(BODY_LIMIT) },
  })
  assert.equal(form.status, 413)
})

test('a content type the storefront does not read is 415', async () => {
  for (const contentType of ['text/plain', 'application/xml']) {
    const response = await browser.post('/users/contact-us/', { raw: 'hello', contentType })
    assert.equal(response.status, 415)
    assert.deepEqual(response.body, { detail: `Unsupported media type "${contentType}" in request.` })
  }
})
