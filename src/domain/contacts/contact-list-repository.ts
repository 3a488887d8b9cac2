import { createHash } from 'node:crypto'
import { and, asc, count, desc, eq, gte, isNull, lte, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Db } from '../../db/client.ts'
import { likePattern } from '../../db/like-pattern.ts'
import { onePerDatabase } from '../../db/per-database.ts'
import { named } from '../../db/prepared.ts'
import { indexable, sampledTexts, shareOf } from '../../db/sampled-texts.ts'
import { contacts, orders, users } from '../../db/schema/index.ts'
import { type ContactRow, type ContactStatus, contactDetails } from './contacts-repository.ts'

export const contactSortKeys = {
  id: contacts.id,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
  viewed: contacts.viewed,
  viewedAt: contacts.viewedAt,
  subject: contacts.subject,
  email: contacts.email,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
}
export type ContactSortKey = keyof typeof contactSortKeys
export type ContactOrdering = { key: ContactSortKey; descending: boolean }[]

export type ContactQuery = {
  viewed?: boolean
  status?: ContactStatus
  /** The contact subject chosen on the form. */
  subjectId?: number
  /** The form's operation, exactly. */
  operation?: string
  /** A staff user's id, or `none` for contacts nobody is assigned. */
  assignee?: number | 'none'
  createdFrom?: Date
  createdTo?: Date
  /** Every term must occur, case-insensitively, in a name, the email, the subject or the message. */
  searchTerms: string[]
  ordering: ContactOrdering
  offset: number
  limit: number
}

/**
 * How a condition tests a search term (`term0`…): its LIKE pattern lowered as ILIKE lowers it, once per
 * execution (a prepared plan would otherwise lower it again for every candidate row). `indexed` as the trigram
 * index can find it; `walked` wrapped in a CASE, which PostgreSQL cannot see into and so takes for a common
 * term's test: every plan of it walks an index in the list's order, stopping at the bound.
 */
const termTest = {
  indexed: (term: Placeholder) => sql`${contacts.searchText} like (select lower(${term}))`,
  walked: (term: Placeholder) =>
    sql`(case when ${contacts.searchText} like (select lower(${term})) then true end)`,
}
type TermTest = (typeof termTest)[keyof typeof termTest]

/**
 * The filter of a query of this shape, its values as placeholders: `companyId`, `viewed`, `createdFrom`,
 * `createdTo` and `term0`… (see placeholderValues).
 */
function conditions(query: ContactQuery, test: TermTest): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(contacts.companyId, sql.placeholder('companyId'))]
  if (query.viewed !== undefined) where.push(eq(contacts.viewed, sql.placeholder('viewed')))
  if (query.status !== undefined) where.push(eq(contacts.status, sql.placeholder('status')))
  if (query.subjectId !== undefined) where.push(eq(contacts.subjectId, sql.placeholder('subjectId')))
  if (query.operation !== undefined) where.push(eq(contacts.operation, sql.placeholder('operation')))
  if (query.assignee === 'none') where.push(isNull(contacts.assigneeId))
  else if (query.assignee !== undefined) where.push(eq(contacts.assigneeId, sql.placeholder('assignee')))
  if (query.createdFrom) where.push(gte(contacts.createdAt, sql.placeholder('createdFrom')))
  if (query.createdTo) where.push(lte(contacts.createdAt, sql.placeholder('createdTo')))
  // What ILIKE does in a UTF-8 database, lowering both sides; the stored text was lowered when written.
  query.searchTerms.forEach((_, index) => {
    where.push(test(sql.placeholder(`term${index}`)))
  })
  return and(...where)
}

/**
 * How many matches to count up to: one past the bound, or past the page asked for if that lies further, so
 * that a page beyond the bound still knows whether another follows it.
 */
const countUpToOf = (query: ContactQuery, bound: number) => Math.max(bound, query.offset + query.limit) + 1

const placeholderValues = (companyId: number, query: ContactQuery, countUpTo: number) => ({
  companyId,
  viewed: query.viewed,
  status: query.status,
  subjectId: query.subjectId,
  operation: query.operation,
  assignee: query.assignee === 'none' ? undefined : query.assignee,
  createdFrom: query.createdFrom,
  createdTo: query.createdTo,
  offset: query.offset,
  limit: query.limit,
  countUpTo,
  ...Object.fromEntries(query.searchTerms.map((term, index) => [`term${index}`, likePattern(term)])),
})

/** The query's ordering over `columns` (the table's, or a subquery's of the same keys); `id` breaks ties. */
function orderOver(query: ContactQuery, columns: Record<ContactSortKey, AnyPgColumn>) {
  const lastDescending = query.ordering.at(-1)?.descending ?? true
  return [
    ...query.ordering.map(({ key, descending }) => (descending ? desc(columns[key]) : asc(columns[key]))),
    lastDescending ? desc(columns.id) : asc(columns.id),
  ]
}

/** The ids of the matching contacts, at most `countUpTo` of them, in no order: what a count needs. */
const matchesUpTo = (db: Db, query: ContactQuery) =>
  db
    .select({ id: contacts.id })
    .from(contacts)
    .where(conditions(query, termTest.indexed))
    .limit(sql.placeholder('countUpTo'))

/**
 * A search's page of ids taken from its matches, with how many there are up to `countUpTo`: gathered in no
 * order through the trigram index (`throughIndex`: a rare term's few, fast) and then sorted, or the first ones
 * walked to in the page's order (`inOrder`: a common term's, which fill the bound within a few times as many
 * contacts). Gathered, they are the page's only while they are fewer than `countUpTo`, when they are all there.
 */
function searchedIdsStatement(db: Db, query: ContactQuery, name: string, way: 'throughIndex' | 'inOrder') {
  const sortColumns = Object.fromEntries(query.ordering.map(({ key }) => [key, contactSortKeys[key]]))
  const matching = db
    .select({ ...sortColumns, id: contacts.id })
    .from(contacts)
    .where(conditions(query, way === 'inOrder' ? termTest.walked : termTest.indexed))
  const matched = db
    .$with('matched')
    .as(
      (way === 'inOrder' ? matching.orderBy(...orderOver(query, contactSortKeys)) : matching).limit(
        sql.placeholder('countUpTo'),
      ),
    )
  // It holds the ordering's keys under their own names, which its type cannot tell.
  const matchedColumns = matched as unknown as Record<ContactSortKey, AnyPgColumn>
  return db
    .with(matched)
    .select({ id: matched.id, matched: sql<number>`(select count(*) from ${matched})`.mapWith(Number) })
    .from(matched)
    .orderBy(...orderOver(query, matchedColumns))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(name)
}

/** The contacts of a page's ids (`ids`, a JSON array) with their details, in the query's order. */
function shownPageStatement(db: Db, query: ContactQuery, name: string) {
  const ids = sql`array(select value::bigint from json_array_elements_text(${sql.placeholder('ids')}::json))`
  return db
    .select(contactDetails.columns)
    .from(contacts)
    .leftJoin(orders, eq(orders.id, contacts.orderId))
    .leftJoin(users, eq(users.id, contacts.userId))
    .where(sql`${contacts.id} = any(${ids})`)
    .orderBy(...orderOver(query, contactSortKeys))
    .prepare(name)
}

/** A list's page without search terms, walked in order (newest first by default, an index in that order). */
function walkedPageStatement(db: Db, query: ContactQuery, name: string) {
  const order = orderOver(query, contactSortKeys)
  const page = db
    .select({ id: contacts.id })
    .from(contacts)
    .where(conditions(query, termTest.indexed))
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .as('page')
  return db
    .select(contactDetails.columns)
    .from(page)
    .innerJoin(contacts, eq(contacts.id, page.id))
    .leftJoin(orders, eq(orders.id, contacts.orderId))
    .leftJoin(users, eq(users.id, contacts.userId))
    .orderBy(...order)
    .prepare(name)
}

/** What a query's statements depend on, beside its values. */
const shapeOf = (query: ContactQuery) =>
  [
    query.viewed === undefined ? '' : 'viewed',
    query.status === undefined ? '' : 'status',
    query.subjectId === undefined ? '' : 'subject',
    query.operation === undefined ? '' : 'operation',
    query.assignee === undefined ? '' : query.assignee === 'none' ? 'unassigned' : 'assignee',
    query.createdFrom ? 'from' : '',
    query.createdTo ? 'to' : '',
    `terms${query.searchTerms.length}`,
    ...query.ordering.map(({ key, descending }) => `${descending ? '-' : ''}${key}`),
  ].join(' ')

/** How many contacts match, counted up to `countUpTo`. */
const countedStatement = (db: Db, query: ContactQuery, name: string) =>
  db.select({ total: count() }).from(matchesUpTo(db, query).as('matched')).prepare(name)

const once = <T>(build: () => T) => {
  let built: T | undefined
  return () => {
    built ??= build()
    return built
  }
}

/**
 * A shape's statements, each built when first needed. Building, parsing and planning one cost as much as
 * running it, so each is built once and prepared under a name of its own.
 */
function pageStatements(db: Db, query: ContactQuery, name: string) {
  const kept = <T>(build: (db: Db, query: ContactQuery, name: string) => T, kind: string) => {
    const statementName = name === '' || kind === '' ? '' : `${name}_${kind}`
    return named(build(db, query, statementName), statementName)
  }
  return {
    counted: once(() => kept(countedStatement, 'counted')),
    gathered: once(() =>
      kept((db, query, name) => searchedIdsStatement(db, query, name, 'throughIndex'), 'gathered'),
    ),
    searched: once(() =>
      kept((db, query, name) => searchedIdsStatement(db, query, name, 'inOrder'), 'searched'),
    ),
    shown: once(() => kept(shownPageStatement, 'shown')),
    walked: once(() => kept(walkedPageStatement, 'walked')),
  }
}

// Enough for every filter and single ordering staff use; a client sending endless new shapes (many search
// words, long orderings) gets its statements built afresh, and unnamed, rather than growing this (and each
// PostgreSQL connection's prepared statements) without end.
const CACHED_SHAPES = 100
const pageStatementsOf = onePerDatabase(() => new Map<string, ReturnType<typeof pageStatements>>())

function cachedPageStatements(db: Db, query: ContactQuery) {
  const shape = shapeOf(query)
  const statements = pageStatementsOf(db)
  const cached = statements.get(shape)
  if (cached) return cached
  if (statements.size >= CACHED_SHAPES) return pageStatements(db, query, '')
  // Named by the shape itself: a transaction's handle building the same shape prepares the same text.
  const name = `contacts_page_${createHash('sha256').update(shape).digest('hex').slice(0, 32)}`
  const built = pageStatements(db, query, name)
  statements.set(shape, built)
  return built
}

/** Up to this share of the sampled texts, a term is rare: its matches are gathered through the trigram index. */
const GATHER_SHARE = 0.1

/** Whether a search has a term the trigram index finds few contacts for (see sampled-texts.ts). */
async function holdsRareTerm(db: Db, searchTerms: string[]) {
  const leaders = searchTerms.filter(indexable)
  if (leaders.length === 0) return false
  const texts = await sampledTexts(db, ['contacts.search_text'])
  return leaders.some((term) => shareOf(texts, term) <= GATHER_SHARE)
}

export const contactListRepository = {
  /**
   * One page, newest first unless asked otherwise, with the number of matching contacts counted up to
   * `countBound`: past it, `total` is the bound and `capped` says that more match (and that another page
   * follows).
   *
   * Without search terms the page is walked in order and the count stops at the bound. A search takes its
   * matches up to the bound, through the trigram index for a rare term and in order for a common one (see
   * searchedIdsStatement), which counts them, takes the page's ids from them and then reads those contacts. A
   * page past the end has no row to carry the count, so only then is it counted apart.
   */
  async page(
    db: Db,
    companyId: number,
    query: ContactQuery,
    countBound: number,
  ): Promise<{ rows: ContactRow[]; total: number; capped: boolean }> {
    const countUpTo = countUpToOf(query, countBound)
    const values = placeholderValues(companyId, query, countUpTo)
    const statements = cachedPageStatements(db, query)
    const counted = async () => (await statements.counted().execute(values))[0]?.total ?? 0
    const answer = (rows: Parameters<typeof contactDetails.fromRow>[0][], matched: number) => ({
      rows: rows.map(contactDetails.fromRow),
      total: matched >= countUpTo ? countBound : matched,
      capped: matched >= countUpTo,
    })
    if (query.searchTerms.length === 0) {
      const [walked, matched] = await Promise.all([statements.walked().execute(values), counted()])
      return answer(walked, matched)
    }
    const throughIndex = await holdsRareTerm(db, query.searchTerms)
    let found = await (throughIndex ? statements.gathered() : statements.searched()).execute(values)
    const matched = found.length > 0 || query.offset === 0 ? (found[0]?.matched ?? 0) : await counted()
    // Gathered in no order, the first `countUpTo` matches need not hold the page: walk to it in order.
    if (throughIndex && matched >= countUpTo) found = await statements.searched().execute(values)
    if (found.length === 0) return answer([], matched)
    const ids = JSON.stringify(found.map(({ id }) => id))
    return answer(await statements.shown().execute({ ids }), matched)
  },
}
