import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { eq } from 'drizzle-orm'
import { outbox } from '../../src/db/schema/index.ts'
import type { MailMessage } from '../../src/infra/mail/mail-transport.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { startTestApp } from '../helpers/test-app.ts'

test('a graceful close stops claiming first, finishes the send under way, keeps the rest queued, and says so', async () => {
  const log: { msg: string; finishedSends?: number; queued?: number }[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(JSON.parse(String(chunk)))
      done()
    },
  })
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  let started!: () => void
  const sending = new Promise<void>((resolve) => {
    started = resolve
  })
  const delivered: MailMessage[] = []
  const parley = await startTestApp({
    env: { CONTACT_US_RATE_PER_MINUTE: '1000' },
    logger: { level: 'info', stream },
    mailTransport: {
      async send(message) {
        started()
        await gate
        delivered.push(message)
      },
      close() {},
    },
  })
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  await sending

  // A form in flight when the close begins: its body is still arriving.
  const late = validForm(parley)
  const body = JSON.stringify(late)
  const inFlight = httpRequest(`${parley.baseUrl}/users/contact-us/`, {
    method: 'POST',
    headers: {
      ...browser.cookieHeader(),
      [browser.csrfHeader]: browser.cookies.get(browser.csrfCookie) ?? '',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  })
  const answered = new Promise<number | undefined>((resolve, reject) => {
    inFlight.on('response', (response) => {
      response.resume()
      resolve(response.statusCode)
    })
    inFlight.on('error', reject)
  })
  const received = new Promise((resolve) => parley.app.server.once('request', resolve))
  inFlight.write(body.slice(0, 10))
  await received

  const closing = parley.app.close()
  // The outbox stops claiming before the server closes; the form then completes and its emails stay queued.
  inFlight.end(body.slice(10))
  assert.equal(await answered, 200)
  release()
  await closing

  assert.equal(delivered.length, 1, 'the send under way finished; nothing was claimed after')
  const rows = await parley.db.select().from(outbox)
  assert.deepEqual(rows.map((row) => row.status).sort(), ['pending', 'sent'])
  const [pending] = await parley.db.select().from(outbox).where(eq(outbox.status, 'pending'))
  assert.ok(pending)
  assert.equal((pending.payload as { text: string }).text.includes(late.email), true)

  const messages = log.map((line) => line.msg)
  const stopping = messages.indexOf('outbox: claiming no new emails; finishing the sends under way')
  assert.ok(stopping >= 0, `said it stops claiming: ${messages.join(' | ')}`)
  const stopped = log.find((line) => line.finishedSends !== undefined)
  assert.equal(stopped?.finishedSends, 1)
  assert.equal(log.find((line) => line.queued !== undefined)?.queued, 1)
  assert.ok(log.indexOf(stopped as never) > stopping)
  await parley.close()
})
