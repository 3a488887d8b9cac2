import assert from 'node:assert/strict'
import { test } from 'node:test'
import { outbox } from '../../src/db/schema/index.ts'
import type { EmailPayload } from '../../src/domain/outbox/email.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { startSmtpSink } from '../helpers/smtp-sink.ts'
import { startTestApp } from '../helpers/test-app.ts'

/** Polls until `done` holds; fails with `message` if it still does not after 30 s. */
async function eventually(done: () => boolean | Promise<boolean>, message: string) {
  const deadline = Date.now() + 30_000
  while (!(await done())) {
    assert.ok(Date.now() < deadline, message)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('SMTP down, then refusing with 451, then accepting: every email is delivered exactly once', async (t) => {
  const sink = await startSmtpSink()
  await sink.down()
  const parley = await startTestApp({ env: { SMTP_URL: sink.url, CONTACT_US_RATE_PER_MINUTE: '1000' } })
  t.after(async () => {
    await parley.close()
    await sink.close()
  })
  const browser = await guestBrowser(parley)
  const forms = 6
  for (let index = 0; index < forms; index++) {
    assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  }
  const rows = () => parley.db.select().from(outbox)
  await eventually(
    async () => (await rows()).every((row) => row.lastError !== null),
    'every email was tried while the server was down',
  )
  assert.equal(sink.received.length, 0)

  sink.refuse(4)
  await sink.up()
  await eventually(() => sink.refusedCount === 4, 'the server refused with 451 once up')
  await sink.waitFor(forms, 30_000)
  await eventually(
    async () => (await rows()).every((row) => row.status === 'sent'),
    'every email is recorded as sent',
  )

  const queued = (await rows()).map((row) => (row.payload as EmailPayload).messageId).sort()
  const arrivals = sink.arrivals()
  assert.deepEqual([...arrivals.keys()].sort(), queued, 'each queued email arrived, under its Message-ID')
  assert.deepEqual(
    [...arrivals.values()],
    queued.map(() => 1),
    'and only once',
  )
})
