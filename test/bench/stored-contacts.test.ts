import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { settledContacts } from '../../bench/emails.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

let parley: TestApp
const EARLIER = 300
const SINCE = new Date('2021-01-01T00:00:00Z')

/** Contacts a minute apart from 2020, so that more than the API's bound of 10,000 fall after SINCE. */
const insertContacts = (count: number, from: string) =>
  parley.db.execute(sql`
    insert into contacts (company_id, source, subject, message, created_at)
    select u.company_id, 'staff', 'Bulk ' || n, 'hay', ${from}::timestamptz + n * interval '1 minute'
    from generate_series(1, ${count}) n, users u where u.id = ${parley.demo.users.staff.id}`)

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  await insertContacts(EARLIER, '2020-01-01T00:00:00Z')
})
after(() => parley.close())

test('the forms a run stored are counted exactly, past the bound where the API stops counting', async () => {
  const key = parley.demo.users.staff.token
  for (const since of [0, 1, 9_999, 10_000, 10_001, 10_050]) {
    await parley.db.execute(sql`delete from contacts where created_at >= ${SINCE.toISOString()}::timestamptz`)
    if (since > 0) await insertContacts(since, SINCE.toISOString())
    assert.equal(await settledContacts(parley.baseUrl, key, SINCE, 5_000), since)
  }
})
