import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import { buildApp } from '../../src/app.ts'
import { seedDemo } from '../../src/cli/seed-demo.ts'
import { loadConfig } from '../../src/config.ts'
import { withoutAddresses } from '../../src/infra/log-errors.ts'
import { HttpClient } from '../helpers/http-client.ts'
import { openTestDatabase } from '../helpers/test-app.ts'

const BCC = 'hidden-auditor@bcc.example'

test('a failed statement is logged by its text, without the customer data it carried', async (t) => {
  const lines: string[] = []
  const capture = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  const { database, drop } = await openTestDatabase()
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-log-'))
  const config = loadConfig({
    PARLEY_DATA_DIR: dataDir,
    EMAIL_BCC_AND_CC: JSON.stringify({ contact_us: { bcc: [BCC] } }),
  })
  const app = await buildApp({ config, database, logger: { level: 'info', stream: capture } })
  t.after(async () => {
    await app.close()
    await database.close()
    await drop()
    await rm(dataDir, { recursive: true, force: true })
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const demo = await seedDemo(database.db, app.domain)
  // A database that refuses the write, as a full disk or a broken constraint would.
  await database.db.execute(sql`
    create function refuse_contacts() returns trigger language plpgsql as $$
    begin raise exception 'contacts are read-only'; end $$`)
  await database.db.execute(sql`
    create trigger refuse_contacts before insert on contacts for each row execute function refuse_contacts()`)

  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const browser = new HttpClient(`http://127.0.0.1:${port}`)
  await browser.get('/users/contact-us-subjects/')
  const email = `secret-customer-${crypto.randomUUID()}@private.example`
  const message = `My card number is 4111-${crypto.randomUUID()}`
  const response = await browser.post('/users/contact-us/', {
    json: { subject: demo.subjects.general.id, full_name: 'Private Person', email, message },
  })
  assert.equal(response.status, 500)

  const failure = lines.find((line) => line.includes('request failed'))
  assert.ok(failure, 'the failure is logged')
  assert.match(failure, /insert into/i, 'with its statement')
  assert.match(failure, /contacts are read-only/, 'and what the database said')
  for (const secret of [email, message, 'Private Person', BCC, 'private.example']) {
    assert.equal(
      lines.some((line) => line.includes(secret)),
      false,
      `${secret} is in no log line`,
    )
  }
})

test('an SMTP reply quoting addresses is logged with their domains only', () => {
  assert.equal(
    withoutAddresses('550 5.1.1 <jane.doe@example.com>: Recipient address rejected; ok@x.org'),
    '550 5.1.1 <…@example.com>: Recipient address rejected; …@x.org',
  )
})
