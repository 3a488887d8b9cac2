import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import fc from 'fast-check'
import type { Database } from '../../src/db/client.ts'
import { rowsOf } from '../../src/db/rows.ts'
import { companies, contacts } from '../../src/db/schema/index.ts'
import {
  type ContactOrdering,
  contactListRepository,
} from '../../src/domain/contacts/contact-list-repository.ts'
import { openTestDatabase } from '../helpers/test-app.ts'

let database: Database
let drop: () => Promise<void>
let companyId: number

before(async () => {
  ;({ database, drop } = await openTestDatabase())
  const [company] = await database.db.select({ id: companies.id }).from(companies).limit(1)
  companyId = Number(company?.id)
})
after(async () => {
  await database.close()
  await drop()
})

// Letters in both cases (Turkish dotted and dotless i among them), LIKE's wildcards and its escape.
const text = fc.string({ unit: fc.constantFrom(...'aAbBiIİıçÇ %_\\'), maxLength: 8 })
const contact = fc.record({
  firstName: text,
  lastName: text,
  email: text,
  subject: text,
  message: text,
  // Few distinct days, so that ties are common and the id must break them.
  day: fc.integer({ min: 1, max: 3 }),
  viewedOn: fc.option(fc.integer({ min: 1, max: 2 })),
})

const made = (fields: Made & { day: number; viewedOn: number | null }) => {
  const { day, viewedOn, ...text } = fields
  const viewedAt = viewedOn === null ? null : new Date(Date.UTC(2024, 1, viewedOn))
  return {
    ...text,
    companyId,
    source: 'staff',
    createdAt: new Date(Date.UTC(2024, 0, day)),
    viewed: viewedAt !== null,
    viewedAt,
  }
}

// Orderings staff ask for, with a nullable key among them; the column names, for the reference query.
const orderings: { ordering: ContactOrdering; sql: string }[] = [
  { ordering: [{ key: 'createdAt', descending: true }], sql: 'created_at desc, id desc' },
  { ordering: [{ key: 'firstName', descending: false }], sql: 'first_name, id' },
  {
    ordering: [
      { key: 'viewedAt', descending: true },
      { key: 'subject', descending: false },
    ],
    sql: 'viewed_at desc, subject, id',
  },
]
type Made = { firstName: string; lastName: string; email: string; subject: string; message: string }

/**
 * A piece of one contact's field with the case of its ASCII letters flipped here and there (the case of
 * others may fold otherwise in JavaScript than in the database's locale).
 */
const pieceOf = (made: Made[]) =>
  fc
    .record({
      index: fc.nat(),
      field: fc.constantFrom('firstName', 'lastName', 'email', 'subject', 'message' as const),
      start: fc.nat(),
      length: fc.integer({ min: 1, max: 4 }),
      flips: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    })
    .map(({ index, field, start, length, flips }) => {
      const value = made[index % made.length]?.[field] ?? ''
      const from = value.length === 0 ? 0 : start % value.length
      return [...value.slice(from, from + length)]
        .map((char, at) => {
          if (char.charCodeAt(0) >= 128) return char
          return flips[at] ? char.toUpperCase() : char.toLowerCase()
        })
        .join('')
    })
    .filter((term) => term !== '')

const termOf = (made: Made[]) =>
  fc.oneof(
    text.filter((term) => term !== ''),
    pieceOf(made),
  )

/** The company's contacts that ILIKE finds for every term (what search meant before), in `order`. */
async function foundByIlike(terms: string[], order: string) {
  const like = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
  const searched = sql`(${contacts.firstName} || ' ' || ${contacts.lastName} || ' ' || ${contacts.email} || ' ' || ${contacts.subject} || ' ' || ${contacts.message})`
  const result = await database.db.execute(
    sql`select id from contacts where company_id = ${companyId}
      ${sql.join(
        terms.map((term) => sql` and ${searched} ilike ${like(term)}`),
        sql``,
      )}
      order by ${sql.raw(order)}`,
  )
  return rowsOf<{ id: number }>(result).map((row) => Number(row.id))
}

const query = (terms: string[], page: number, size: number, ordering = orderings[0]?.ordering ?? []) => ({
  searchTerms: terms,
  ordering,
  offset: (page - 1) * size,
  limit: size,
})

test('a search finds what ILIKE finds, pages it in order, and counts it up to the bound', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(contact, { minLength: 1, maxLength: 12 }).chain((made) =>
        fc.record({
          made: fc.constant(made),
          terms: fc.array(termOf(made), { maxLength: 2 }),
          bound: fc.integer({ min: 1, max: 6 }),
          size: fc.integer({ min: 1, max: 4 }),
          page: fc.integer({ min: 1, max: 5 }),
          order: fc.constantFrom(...orderings),
        }),
      ),
      async ({ made: contactsMade, terms, bound, size, page, order }) => {
        await database.db.delete(contacts).where(eq(contacts.companyId, companyId))
        await database.db.insert(contacts).values(contactsMade.map(made))
        const expected = await foundByIlike(terms, order.sql)
        const asked = query(terms, page, size, order.ordering)
        const { rows, total, capped } = await contactListRepository.page(database.db, companyId, asked, bound)

        assert.deepEqual(
          rows.map((row) => row.id),
          expected.slice(asked.offset, asked.offset + size),
        )
        // Counted up to one past the bound, or past the page if that lies further.
        const countedUpTo = Math.max(bound, asked.offset + size) + 1
        assert.equal(capped, expected.length >= countedUpTo)
        assert.equal(total, capped ? bound : expected.length)
      },
    ),
    { numRuns: 80 },
  )
})

test('a term taken from anywhere in a contact finds it, in any case', async () => {
  await fc.assert(
    fc.asyncProperty(
      contact
        .filter(({ message }) => message !== '')
        .chain((made) => fc.record({ made: fc.constant(made), term: pieceOf([made]) })),
      async ({ made: fields, term }) => {
        await database.db.delete(contacts).where(eq(contacts.companyId, companyId))
        const [row] = await database.db.insert(contacts).values(made(fields)).returning({ id: contacts.id })
        const { rows } = await contactListRepository.page(database.db, companyId, query([term], 1, 5), 10)
        assert.deepEqual(
          rows.map((found) => found.id),
          [row?.id],
        )
      },
    ),
    { numRuns: 60 },
  )
})
