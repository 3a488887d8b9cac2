import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let smtp: SmtpSink
let parley: TestApp
let admin: HttpClient

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({ env: { SMTP_URL: smtp.url, CONTACT_US_RATE_PER_MINUTE: '1000' } })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

test('an admin lists every dynamic setting with its value and default', async () => {
  const response = await admin.get('/api/settings/')
  assert.equal(response.status, 200)
  const byKey = new Map(response.body.map((setting: { key: string }) => [setting.key, setting]))
  assert.deepEqual([...byKey.keys()].sort(), [
    'CONTACT_US_ALLOWED_EXTENSIONS',
    'CONTACT_US_EMAIL_TO',
    'CONTACT_US_MAX_FILE_SIZE',
    'CONTACT_US_REPLY_TO_ONLY_USER',
    'CONTACT_US_SEND_USER',
    'EMAIL_BCC_AND_CC',
  ])
  assert.deepEqual(byKey.get('CONTACT_US_EMAIL_TO'), {
    ...(byKey.get('CONTACT_US_EMAIL_TO') as object),
    value: { default: ['support@parley.test'], order: ['orders@parley.test'] },
    default: { default: [] },
    is_default: false,
  })
  assert.equal((byKey.get('CONTACT_US_SEND_USER') as { value: unknown }).value, false)
  assert.equal((byKey.get('CONTACT_US_MAX_FILE_SIZE') as { value: unknown }).value, 5 * 1024 * 1024)
})

test('without a key the answer is 401 in DRF words; a staff key that is not an admin is 403', async () => {
  const anonymous = await new HttpClient(parley.baseUrl).get('/api/settings/')
  assert.equal(anonymous.status, 401)
  assert.deepEqual(anonymous.body, { detail: 'Authentication credentials were not provided.' })
  assert.equal(anonymous.headers.get('www-authenticate'), 'Token')
  const bogus = await withToken(parley.baseUrl, 'prl_not-a-key').get('/api/settings/')
  assert.equal(bogus.status, 401)
  assert.deepEqual(bogus.body, { detail: 'Invalid token.' })
  const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  for (const response of [
    await staff.get('/api/settings/'),
    await staff.put('/api/settings/CONTACT_US_SEND_USER/', { json: { value: true } }),
  ]) {
    assert.equal(response.status, 403)
    assert.deepEqual(response.body, { detail: 'You do not have permission to perform this action.' })
  }
  const customer = await withToken(parley.baseUrl, parley.demo.users.alice.token).get('/api/settings/')
  assert.equal(customer.status, 403)
})

test('invalid values are 400 and change nothing', async () => {
  const cases: [string, unknown][] = [
    ['CONTACT_US_EMAIL_TO', { order: ['orders@parley.test'] }],
    ['CONTACT_US_EMAIL_TO', { default: ['not an email'] }],
    ['CONTACT_US_SEND_USER', 'yes'],
    ['EMAIL_BCC_AND_CC', { contact_us: { to: ['a@b.co'] } }],
    ['CONTACT_US_ALLOWED_EXTENSIONS', []],
    ['CONTACT_US_MAX_FILE_SIZE', 0],
    ['CONTACT_US_MAX_FILE_SIZE', 1e12],
  ]
  for (const [key, value] of cases) {
    const response = await admin.put(`/api/settings/${key}/`, { json: { value } })
    assert.equal(response.status, 400, `${key} = ${JSON.stringify(value)}`)
    assert.equal(Array.isArray(response.body.value), true)
  }
  const missing = await admin.put('/api/settings/CONTACT_US_SEND_USER/', { json: {} })
  assert.equal(missing.status, 400)
  assert.deepEqual(missing.body, { value: ['This field is required.'] })
  const unknown = await admin.put('/api/settings/NOPE/', { json: { value: 1 } })
  assert.equal(unknown.status, 404)
  const current = await admin.get('/api/settings/CONTACT_US_EMAIL_TO/')
  assert.deepEqual(current.body.value, { default: ['support@parley.test'], order: ['orders@parley.test'] })
})

test('a change takes effect on the very next contact-us request, and null restores the default', async () => {
  const routed = { default: ['desk@parley.test'], order: ['orders@parley.test'] }
  const put = await admin.put('/api/settings/CONTACT_US_EMAIL_TO/', { json: { value: routed } })
  assert.equal(put.status, 200)
  assert.deepEqual(put.body.value, routed)
  assert.equal(put.body.is_default, false)
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  const [mail] = await smtp.waitFor(1)
  assert.deepEqual(mail?.recipients, ['desk@parley.test'])

  const limit = await admin.put('/api/settings/CONTACT_US_ALLOWED_EXTENSIONS/', { json: { value: ['pdf'] } })
  assert.equal(limit.status, 200)
  const refused = await browser.post('/users/contact-us/', {
    multipart: {
      ...validForm(parley),
      subject: String(parley.demo.subjects.general.id),
      file: { filename: 'a.txt', content: 'hi' },
    },
  })
  assert.deepEqual(refused.body, {
    file: ['File extension “txt” is not allowed. Allowed extensions are: pdf.'],
  })

  const reset = await admin.put('/api/settings/CONTACT_US_ALLOWED_EXTENSIONS/', { json: { value: null } })
  assert.equal(reset.body.is_default, true)
  assert.deepEqual(reset.body.value, ['jpg', 'jpeg', 'png', 'gif', 'webp', 'pdf', 'txt'])
})

test('the Bearer scheme is accepted too, for reads and writes', async () => {
  const bearer = withToken(parley.baseUrl, parley.demo.users.admin.token, 'Bearer')
  const listed = await bearer.get('/api/settings/')
  assert.equal(listed.status, 200)
  assert.deepEqual(listed.body, (await admin.get('/api/settings/')).body)
  const before = (await admin.get('/api/settings/CONTACT_US_SEND_USER/')).body.value
  const put = await bearer.put('/api/settings/CONTACT_US_SEND_USER/', { json: { value: !before } })
  try {
    assert.equal(put.status, 200)
    // Stored, as a read with the Token scheme shows.
    assert.equal((await admin.get('/api/settings/CONTACT_US_SEND_USER/')).body.value, !before)
  } finally {
    await admin.put('/api/settings/CONTACT_US_SEND_USER/', { json: { value: null } })
  }
})
