import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { insertBulkContacts } from '../../helpers/bulk-contacts.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp
let staff: HttpClient
const BULK = 10_050

/** 10,050 contacts a minute apart, subject "Bulk <n>"; one in a thousand says "needle". */
before(async () => {
  parley = await startTestApp({ runWorkers: false })
  staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
  await insertBulkContacts(parley, BULK, { every: 1000, message: 'a Needle' })
})
after(() => parley.close())

const page = (query: string) => staff.get(`/api/contacts/?${query}`)
const link = (query: string) => `${parley.baseUrl}/api/contacts/?${query}`
const subjects = (body: { results: { subject: string }[] }) => body.results.map((contact) => contact.subject)

test('past 10,000 contacts a list stops counting there and says so, and the next page is linked', async () => {
  const unfiltered = await page('page_size=100')
  assert.equal(unfiltered.status, 200)
  assert.equal(unfiltered.body.count, 10_000)
  assert.equal(unfiltered.body.count_capped, true)
  assert.equal(unfiltered.body.next, link('page_size=100&page=2'))
  assert.deepEqual(subjects(unfiltered.body).slice(0, 2), [`Bulk ${BULK}`, `Bulk ${BULK - 1}`])

  const unviewed = await page('viewed=false&page_size=1')
  assert.equal(unviewed.body.count, 10_000)
  assert.equal(unviewed.body.count_capped, true)
})

test('past 1,000 unviewed contacts the unviewed total stops there and says so, and counts exactly below', async () => {
  const many = await page('page_size=1')
  assert.equal(many.body.total_unviewed, 1_000)
  assert.equal(many.body.total_unviewed_capped, true)

  await parley.db.execute(
    sql`update contacts set viewed = true where subject <> 'Bulk 1' and subject <> 'Bulk 2'`,
  )
  try {
    const few = await page('page_size=1')
    assert.equal(few.body.total_unviewed, 2)
    assert.equal(few.body.total_unviewed_capped, false)
  } finally {
    await parley.db.execute(sql`update contacts set viewed = false`)
  }
})

test('past 1,000 matches a search stops counting there and says so, its page still the first in order', async () => {
  const first = await page('search=bulk&page_size=100')
  assert.equal(first.status, 200)
  assert.equal(first.body.count, 1_000)
  assert.equal(first.body.count_capped, true)
  assert.equal(first.body.next, link('search=bulk&page_size=100&page=2'))
  assert.equal(first.body.previous, null)
  assert.deepEqual(subjects(first.body).slice(0, 2), [`Bulk ${BULK}`, `Bulk ${BULK - 1}`])

  const bySubject = await page('search=bulk&ordering=subject&page_size=4')
  assert.equal(bySubject.body.count_capped, true)
  assert.deepEqual(subjects(bySubject.body), ['Bulk 1', 'Bulk 10', 'Bulk 100', 'Bulk 1000'])
  const oldestFirst = await page('search=bulk&ordering=created_at&page_size=2')
  assert.deepEqual(subjects(oldestFirst.body), ['Bulk 1', 'Bulk 2'])
})

test('a search page at or past its bound still links on while more follow, and counts exactly at the end', async () => {
  const tenth = await page('search=bulk&page_size=100&page=10')
  assert.equal(tenth.body.count_capped, true)
  assert.equal(tenth.body.count, 1_000)
  assert.equal(tenth.body.next, link('search=bulk&page_size=100&page=11'))
  assert.deepEqual(subjects(tenth.body).slice(-1), [`Bulk ${BULK - 999}`])

  const hundredth = await page('search=bulk&page_size=100&page=100')
  assert.equal(hundredth.body.count_capped, true)
  assert.equal(hundredth.body.next, link('search=bulk&page_size=100&page=101'))
  assert.equal(hundredth.body.previous, link('search=bulk&page_size=100&page=99'))
  assert.deepEqual(subjects(hundredth.body).slice(-1), ['Bulk 51'])

  // Offset 10,000: the count reaches past this page, and so finds where the matches end.
  const last = await page('search=bulk&page_size=100&page=101')
  assert.equal(last.status, 200)
  assert.equal(last.body.count_capped, false)
  assert.equal(last.body.count, BULK)
  assert.equal(last.body.next, null)
  assert.equal(last.body.previous, link('search=bulk&page_size=100&page=100'))
  assert.deepEqual(
    subjects(last.body),
    Array.from({ length: 50 }, (_, index) => `Bulk ${50 - index}`),
  )

  const beyond = await page('search=bulk&page_size=100&page=102')
  assert.equal(beyond.status, 404)
  assert.deepEqual(beyond.body, { detail: 'Invalid page.' })
})

test('fewer matches than the bound are counted exactly, whichever way they are found', async () => {
  const rare = await page('search=NEEDLE')
  assert.equal(rare.body.count, 11)
  assert.equal(rare.body.count_capped, false)
  assert.equal(rare.body.next, null)
  assert.deepEqual(subjects(rare.body).slice(0, 2), ['Bulk 10007', 'Bulk 9007'])

  const some = await page('search=100&page_size=5&page=2')
  const expected = Array.from({ length: BULK }, (_, index) => BULK - index).filter((n) =>
    `${n}`.includes('100'),
  )
  assert.equal(some.body.count, expected.length)
  assert.equal(some.body.count_capped, false)
  assert.deepEqual(
    subjects(some.body),
    expected.slice(5, 10).map((n) => `Bulk ${n}`),
  )
})
