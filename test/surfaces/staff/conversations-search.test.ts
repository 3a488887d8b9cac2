import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import fc from 'fast-check'
import { conversations } from '../../../src/db/schema/index.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { shop } from '../shop/shop-fixtures.ts'
import { signedInStaff } from './staff-session.ts'

/*
 * A search must find the same conversations whichever way it goes: walking the newest conversations for a
 * common term, or through the trigram indexes for a rare one (chosen from PostgreSQL's statistics, which
 * this file gathers before its first search). The words are this run's own, so only its conversations
 * hold them.
 */

let parley: TestApp
let inbox: HttpClient

const RUN = Array.from({ length: 5 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')
const word = (name: string) => `${RUN}${name}`
const COMMON = word('common')
const WORDS = ['amber', 'basil', 'cedar', 'delta', 'ember'].map(word)
const SUBJECT_WORD = word('topic')
const orderNumber = (index: number) => `PZ-${RUN}-${7000 + index}`
/** One conversation more than a search counts (INBOX_SEARCH_COUNT_BOUND), so the common word caps it. */
const CONVERSATIONS = 105

type Made = { id: number; texts: string[] }
const made: Made[] = []

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  inbox = await signedInStaff(parley)
  for (let index = 0; index < CONVERSATIONS; index++) {
    const opened = await shop(parley).post('/v3/conversation', { json: {} })
    assert.equal(opened.status, 200, JSON.stringify(opened.body))
    const id = Number(opened.body.data.id)
    const capitalized = (text: string) => text[0]?.toUpperCase() + text.slice(1)
    const texts = [
      `${capitalized(COMMON)} question about the ${WORDS[index % 5]} part`,
      `Order ${orderNumber(index)}, and ${capitalized(WORDS[(index * 3 + 1) % 5] ?? '')} as well${index === 0 ? ` ${word('50%_x')}` : ''}`,
    ]
    for (const text of texts) {
      const posted = await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text } })
      assert.equal(posted.status, 200, JSON.stringify(posted.body))
    }
    const subject = index % 11 === 0 ? `About the ${SUBJECT_WORD}` : ''
    if (subject) await parley.db.update(conversations).set({ subject }).where(eq(conversations.id, id))
    made.push({ id, texts: [subject, ...texts] })
  }
  await parley.db.execute(sql`analyze`)
})
after(() => parley.close())

/** The conversations holding every term, in any case, in the subject or a message: newest first. */
const expected = (terms: string[]) =>
  made
    .filter((one) =>
      terms.every((term) => one.texts.some((text) => text.toLowerCase().includes(term.toLowerCase()))),
    )
    .map((one) => one.id)
    .reverse()

const search = async (terms: string[]) => {
  const found = await inbox.get(
    `/api/conversations/?page_size=100&search=${encodeURIComponent(terms.join(' '))}`,
  )
  assert.equal(found.status, 200, JSON.stringify(found.body))
  return found.body as {
    count: number
    count_capped: boolean
    next: string | null
    results: { id: number; last_message_at: string }[]
  }
}

const term = fc.oneof(
  fc.constant(COMMON),
  fc.constantFrom(...WORDS),
  fc.constant(SUBJECT_WORD),
  fc.nat({ max: CONVERSATIONS - 1 }).map(orderNumber),
)
const cased = (value: string) =>
  fc.constantFrom(value, value.toUpperCase(), value[0]?.toUpperCase() + value.slice(1))

test('a search lists the conversations holding every term, in any case and any message, as a model finds them', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(term.chain(cased), { minLength: 1, maxLength: 3 }),
      // A two-letter piece of a word has no trigram: such a term is only ever tested, never looked up.
      fc.option(fc.constantFrom(...WORDS).map((one) => one.slice(RUN.length + 1, RUN.length + 3))),
      async (terms, piece) => {
        const all = piece === null ? terms : [...terms, piece]
        const want = expected(all)
        const page = await search(all)
        assert.deepEqual(
          page.results.map((one) => one.id),
          want.slice(0, 100),
          all.join(' '),
        )
        assert.equal(page.count, Math.min(want.length, 100))
        assert.equal(page.count_capped, want.length > 100)
      },
    ),
    { numRuns: 40 },
  )
})

test('a common word stops counting past 100 matches and says so; the pages past them still come', async () => {
  const first = await search([COMMON])
  assert.equal(first.count, 100)
  assert.equal(first.count_capped, true)
  assert.notEqual(first.next, null)
  const second = await inbox.get(`/api/conversations/?page_size=100&page=2&search=${COMMON}`)
  assert.equal(second.status, 200)
  assert.deepEqual(
    second.body.results.map((one: { id: number }) => one.id),
    expected([COMMON]).slice(100),
  )
  assert.equal(second.body.count_capped, false)
})

test('"%" and "_" in a term mean themselves', async () => {
  const first = made[0]?.id
  assert.deepEqual(
    (await search([word('50%_x')])).results.map((one) => one.id),
    [first],
  )
  assert.deepEqual((await search([word('5_%')])).results, [])
  assert.deepEqual((await search([`${RUN}%`])).results, [])
  // Terms without a trigram are tested, not looked up, and reach PostgreSQL in an array: escaped alike.
  assert.deepEqual(
    (await search([word('50%_x'), '%_'])).results.map((one) => one.id),
    [first],
  )
  assert.deepEqual((await search([word('50%_x'), '_%'])).results, [])
  assert.deepEqual((await search([COMMON, '"\\', "'{,}"])).results, [])
})

test('below its bound the list counts every conversation, and says it did', async () => {
  const list = await inbox.get('/api/conversations/?page_size=5')
  assert.equal(list.status, 200)
  assert.equal(list.body.count_capped, false)
  assert.ok(list.body.count >= CONVERSATIONS)
  assert.equal(list.body.total_unread_capped, false)
})
