import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { insertBulkContacts } from '../../helpers/bulk-contacts.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let staff: HttpClient
const BULK = 2_050

/**
 * 2,050 contacts a minute apart, subject "Bulk <n>", one in a hundred about a "kettle", with PostgreSQL's
 * statistics taken before the first search: a search then walks a common term in order and gathers a rare
 * one through the trigram index (without statistics, as in contacts-count-bound.test.ts, every term is
 * gathered).
 */
before(async () => {
  parley = await startTestApp({ runWorkers: false })
  staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  await insertBulkContacts(parley, BULK, { every: 100, message: 'a Kettle' })
  await parley.db.execute(sql`analyze contacts`)
})
after(() => parley.close())

const page = (query: string) => staff.get(`/api/contacts/?${query}`)
const subjects = (body: { results: { subject: string }[] }) => body.results.map((contact) => contact.subject)

test('a common term stops counting at 1,000, its pages the first matches in the asked order', async () => {
  const newest = await page('search=bulk&page_size=3')
  assert.equal(newest.body.count, 1_000)
  assert.equal(newest.body.count_capped, true)
  assert.deepEqual(subjects(newest.body), [`Bulk ${BULK}`, `Bulk ${BULK - 1}`, `Bulk ${BULK - 2}`])

  const oldest = await page('search=hay&ordering=created_at&page_size=2&page=2')
  assert.equal(oldest.body.count_capped, true)
  assert.deepEqual(subjects(oldest.body), ['Bulk 3', 'Bulk 4'])

  const bySubject = await page('search=BULK&ordering=-subject&page_size=2')
  assert.deepEqual(subjects(bySubject.body), ['Bulk 999', 'Bulk 998'])

  const unviewed = await page('search=bulk&viewed=false&page_size=1&page=1000')
  assert.deepEqual(subjects(unviewed.body), [`Bulk ${BULK - 999}`])
  assert.equal(unviewed.body.count_capped, true)
})

test('a common term with fewer matches than the bound, or a rare one, is counted exactly', async () => {
  const kettle = await page('search=kettle&page_size=100')
  assert.equal(kettle.body.count, 21)
  assert.equal(kettle.body.count_capped, false)
  assert.deepEqual(subjects(kettle.body).slice(0, 2), ['Bulk 2007', 'Bulk 1907'])

  // Two terms, each of which must occur somewhere: a common one, and one in some subjects' numbers.
  const both = await page(`search=${encodeURIComponent('bulk 20')}&page_size=100`)
  const expected = Array.from({ length: BULK }, (_, index) => BULK - index).filter((n) =>
    `${n}`.includes('20'),
  )
  assert.equal(both.body.count, expected.length)
  assert.deepEqual(
    subjects(both.body),
    expected.map((n) => `Bulk ${n}`),
  )
  const nothing = await page('search=teapot')
  assert.equal(nothing.body.count, 0)
  assert.deepEqual(nothing.body.results, [])
})
