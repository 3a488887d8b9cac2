import { createHash } from 'node:crypto'
import { and, asc, count, desc, eq, gte, ilike, isNull, lte, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { onePerDatabase } from '../../db/per-database.ts'
import { contactSearchText, contacts, orders, users } from '../../db/schema/index.ts'
import type { StaffUser } from '../accounts/staff-members-repository.ts'
import { type EmailDelivery, outboxRepository } from '../outbox/outbox-repository.ts'
import { type ContactReply, contactRepliesRepository } from './contact-replies-repository.ts'

export type Contact = typeof contacts.$inferSelect
export type NewContact = typeof contacts.$inferInsert
/**
 * A contact with what staff see beside it: the order's number, the submitting user's email and the delivery
 * state of its emails.
 */
export type ContactRow = Contact & {
  orderNumber: string | null
  userEmail: string | null
  emails: EmailDelivery[]
  assignee: StaffUser | null
  replies: ContactReply[]
  /** The lines of the contact's order, if it names one. */
  orderItems: { id: number; productName: string; quantity: number }[]
}

export const CONTACT_STATUSES = ['open', 'resolved'] as const
export type ContactStatus = (typeof CONTACT_STATUSES)[number]

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

// ILIKE treats these as wildcards; a searched-for "%" or "_" means itself.
const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`

/**
 * The filter of a query of this shape, its values as placeholders: `companyId`, `viewed`, `createdFrom`,
 * `createdTo` and `term0`… (see placeholderValues).
 */
function conditions(query: ContactQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(contacts.companyId, sql.placeholder('companyId'))]
  if (query.viewed !== undefined) where.push(eq(contacts.viewed, sql.placeholder('viewed')))
  if (query.status !== undefined) where.push(eq(contacts.status, sql.placeholder('status')))
  if (query.subjectId !== undefined) where.push(eq(contacts.subjectId, sql.placeholder('subjectId')))
  if (query.operation !== undefined) where.push(eq(contacts.operation, sql.placeholder('operation')))
  if (query.assignee === 'none') where.push(isNull(contacts.assigneeId))
  else if (query.assignee !== undefined) where.push(eq(contacts.assigneeId, sql.placeholder('assignee')))
  if (query.createdFrom) where.push(gte(contacts.createdAt, sql.placeholder('createdFrom')))
  if (query.createdTo) where.push(lte(contacts.createdAt, sql.placeholder('createdTo')))
  query.searchTerms.forEach((_, index) => {
    where.push(ilike(contactSearchText(contacts), sql.placeholder(`term${index}`)))
  })
  return and(...where)
}

const placeholderValues = (companyId: number, query: ContactQuery) => ({
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
  ...Object.fromEntries(query.searchTerms.map((term, index) => [`term${index}`, likePattern(term)])),
})

/** What a query's statement depends on, beside its values. */
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

// Enough for every filter and single ordering staff use; a client sending endless new shapes (many search
// words, long orderings) gets its statements built afresh, and unnamed, rather than growing this (and each
// PostgreSQL connection's prepared statements) without end.
const CACHED_SHAPES = 100
const pageStatementsOf = onePerDatabase(() => new Map<string, ReturnType<typeof pageStatement>>())

const withDetails = {
  contact: contacts,
  orderNumber: orders.number,
  userEmail: users.email,
  emails: outboxRepository.deliveriesJson(contacts.id),
  assignee: sql<StaffUser | null>`(select json_build_object('id', a.id, 'email', a.email,
    'firstName', a.first_name, 'lastName', a.last_name) from users a where a.id = ${contacts.assigneeId})`,
  replies: contactRepliesRepository.repliesJson(contacts.id),
  orderItems: sql<ContactRow['orderItems']>`(select coalesce(json_agg(json_build_object('id', oi.id,
    'productName', p.name, 'quantity', oi.quantity) order by oi.id), '[]')
    from order_items oi join products p on p.id = oi.product_id where oi.order_id = ${contacts.orderId})`,
}

type DetailsRow = {
  contact: Contact
  orderNumber: string | null
  userEmail: string | null
  emails: Parameters<typeof outboxRepository.deliveriesFromJson>[0]
  assignee: StaffUser | null
  replies: Parameters<typeof contactRepliesRepository.repliesFromJson>[0]
  orderItems: ContactRow['orderItems']
}

const flatten = (row: DetailsRow): ContactRow => ({
  ...row.contact,
  orderNumber: row.orderNumber,
  userEmail: row.userEmail,
  emails: outboxRepository.deliveriesFromJson(row.emails),
  assignee: row.assignee,
  replies: contactRepliesRepository.repliesFromJson(row.replies),
  orderItems: row.orderItems.map((item) => ({ ...item, id: Number(item.id) })),
})

/**
 * The page query of one shape of ContactQuery, prepared under `name` ('' for unnamed). Building, parsing
 * and planning it cost as much as running it, so a cached shape is built once and named. A generic plan serves every search term alike: the total visits every match, so the
 * trigram index is the way in for a rare term and for a common one, and a custom plan per term chose it too.
 */
function pageStatement(db: Db, query: ContactQuery, name: string) {
  const lastDescending = query.ordering.at(-1)?.descending ?? true
  const order = [
    ...query.ordering.map(({ key, descending }) =>
      descending ? desc(contactSortKeys[key]) : asc(contactSortKeys[key]),
    ),
    lastDescending ? desc(contacts.id) : asc(contacts.id),
  ]
  // The subquery's "contacts" is its own scan; the outer one is joined by id for the page's rows only.
  const page = db
    .select({ id: contacts.id, total: sql<number>`count(*) over ()`.as('total') })
    .from(contacts)
    .where(conditions(query))
    .orderBy(...order)
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .as('page')
  return db
    .select({ ...withDetails, total: page.total })
    .from(page)
    .innerJoin(contacts, eq(contacts.id, page.id))
    .leftJoin(orders, eq(orders.id, contacts.orderId))
    .leftJoin(users, eq(users.id, contacts.userId))
    .orderBy(...order)
    .prepare(name)
}

function cachedPageStatement(db: Db, query: ContactQuery) {
  const shape = shapeOf(query)
  const statements = pageStatementsOf(db)
  const cached = statements.get(shape)
  if (cached) return cached
  if (statements.size >= CACHED_SHAPES) return pageStatement(db, query, '')
  // Named by the shape itself: a transaction's handle building the same shape prepares the same text.
  const name = `contacts_page_${createHash('sha256').update(shape).digest('hex').slice(0, 32)}`
  const statement = pageStatement(db, query, name)
  statements.set(shape, statement)
  return statement
}

export const contactsRepository = {
  async insert(db: Db, contact: NewContact): Promise<Contact> {
    const [row] = await db.insert(contacts).values(contact).returning()
    if (!row) throw new Error('insert returned no row')
    return row
  },

  /** How many of the company's contacts no staff member has opened. */
  async countUnviewed(db: Db, companyId: number): Promise<number> {
    const [row] = await db
      .select({ total: count() })
      .from(contacts)
      .where(and(eq(contacts.companyId, companyId), eq(contacts.viewed, false)))
    return Number(row?.total ?? 0)
  },

  async count(db: Db, companyId: number, query: ContactQuery): Promise<number> {
    const [row] = await db
      .select({ total: count() })
      .from(contacts)
      .where(conditions(query))
      .execute(placeholderValues(companyId, query))
    return Number(row?.total ?? 0)
  },

  /**
   * One page, newest first unless asked otherwise (`id` breaks ties so pages never overlap), with the number
   * of matching contacts. Matching (an ILIKE over each candidate's text) is the whole cost of a search, so
   * it is done once: the page's ids and the total (a window count taken before the limit) come from one
   * pass, and only the page's rows are joined to their order and user. A page past the end has no row to
   * carry the total, so only then is it counted apart.
   */
  async pageWithTotal(
    db: Db,
    companyId: number,
    query: ContactQuery,
  ): Promise<{ rows: ContactRow[]; total: number }> {
    const rows = await cachedPageStatement(db, query).execute(placeholderValues(companyId, query))
    const total =
      rows.length > 0 || query.offset === 0
        ? Number(rows[0]?.total ?? 0)
        : await contactsRepository.count(db, companyId, query)
    return { rows: rows.map(flatten), total }
  },

  async findById(db: Db, companyId: number, id: number): Promise<ContactRow | undefined> {
    const [row] = await db
      .select(withDetails)
      .from(contacts)
      .leftJoin(orders, eq(orders.id, contacts.orderId))
      .leftJoin(users, eq(users.id, contacts.userId))
      .where(and(eq(contacts.companyId, companyId), eq(contacts.id, id)))
    return row && flatten(row)
  },

  /** Marks a contact viewed unless it already is, keeping the time of the first view; whether it was not. */
  async markViewed(db: Db, companyId: number, id: number): Promise<boolean> {
    const rows = await db
      .update(contacts)
      .set({ viewed: true, viewedAt: sql`now()` })
      .where(and(eq(contacts.companyId, companyId), eq(contacts.id, id), eq(contacts.viewed, false)))
      .returning({ id: contacts.id })
    return rows.length > 0
  },

  async update(
    db: Db,
    companyId: number,
    id: number,
    changes: Partial<
      Pick<
        NewContact,
        'subject' | 'message' | 'firstName' | 'lastName' | 'email' | 'mobileNumber' | 'status' | 'assigneeId'
      >
    >,
    viewed: boolean | undefined,
  ): Promise<boolean> {
    const viewing =
      viewed === undefined
        ? {}
        : viewed
          ? { viewed: true, viewedAt: sql`coalesce(${contacts.viewedAt}, now())` }
          : { viewed: false, viewedAt: null }
    const rows = await db
      .update(contacts)
      .set({ ...changes, ...viewing, updatedAt: sql`now()` })
      .where(and(eq(contacts.companyId, companyId), eq(contacts.id, id)))
      .returning({ id: contacts.id })
    return rows.length > 0
  },

  async delete(db: Db, companyId: number, id: number): Promise<boolean> {
    const rows = await db
      .delete(contacts)
      .where(and(eq(contacts.companyId, companyId), eq(contacts.id, id)))
      .returning({ id: contacts.id })
    return rows.length > 0
  },
}
