import { and, asc, count, desc, eq, gte, ilike, lte, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { contactSearchText, contacts, orders, users } from '../../db/schema/index.ts'
import { type EmailDelivery, outboxRepository } from '../outbox/outbox-repository.ts'

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
}

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

function conditions(companyId: number, query: ContactQuery): SQL | undefined {
  const where: (SQL | undefined)[] = [eq(contacts.companyId, companyId)]
  if (query.viewed !== undefined) where.push(eq(contacts.viewed, query.viewed))
  if (query.createdFrom) where.push(gte(contacts.createdAt, query.createdFrom))
  if (query.createdTo) where.push(lte(contacts.createdAt, query.createdTo))
  for (const term of query.searchTerms) where.push(ilike(contactSearchText(contacts), likePattern(term)))
  return and(...where)
}

const withDetails = {
  contact: contacts,
  orderNumber: orders.number,
  userEmail: users.email,
  emails: outboxRepository.deliveriesJson(contacts.id),
}

type DetailsRow = { contact: Contact; orderNumber: string | null; userEmail: string | null }

const flatten = (
  row: DetailsRow & { emails: Parameters<typeof outboxRepository.deliveriesFromJson>[0] },
) => ({
  ...row.contact,
  orderNumber: row.orderNumber,
  userEmail: row.userEmail,
  emails: outboxRepository.deliveriesFromJson(row.emails),
})

export const contactsRepository = {
  async insert(db: Db, contact: NewContact): Promise<Contact> {
    const [row] = await db.insert(contacts).values(contact).returning()
    if (!row) throw new Error('insert returned no row')
    return row
  },

  async count(db: Db, companyId: number, query: ContactQuery): Promise<number> {
    const [row] = await db.select({ total: count() }).from(contacts).where(conditions(companyId, query))
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
      .where(conditions(companyId, query))
      .orderBy(...order)
      .limit(query.limit)
      .offset(query.offset)
      .as('page')
    const rows = await db
      .select({ ...withDetails, total: page.total })
      .from(page)
      .innerJoin(contacts, eq(contacts.id, page.id))
      .leftJoin(orders, eq(orders.id, contacts.orderId))
      .leftJoin(users, eq(users.id, contacts.userId))
      .orderBy(...order)
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

  /** Marks a contact viewed unless it already is, keeping the time of the first view. */
  async markViewed(db: Db, companyId: number, id: number): Promise<void> {
    await db
      .update(contacts)
      .set({ viewed: true, viewedAt: sql`now()` })
      .where(and(eq(contacts.companyId, companyId), eq(contacts.id, id), eq(contacts.viewed, false)))
  },

  async update(
    db: Db,
    companyId: number,
    id: number,
    changes: Partial<
      Pick<NewContact, 'subject' | 'message' | 'firstName' | 'lastName' | 'email' | 'mobileNumber'>
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
