import { and, count, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { contacts, orders, users } from '../../db/schema/index.ts'
import type { StaffUser } from '../accounts/staff-members-repository.ts'
import { type EmailDelivery, outboxRepository } from '../outbox/outbox-repository.ts'
import { type ContactReply, contactRepliesRepository } from './contact-replies-repository.ts'

/** A contact as staff see it: its search text is its other fields again and stays in the database. */
export type Contact = Omit<typeof contacts.$inferSelect, 'searchText'>
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

const { searchText: _searchText, ...shownColumns } = getTableColumns(contacts)

const withDetails = {
  contact: shownColumns,
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

/** The columns of a contact with what staff see beside it, and its row as the domain holds it. */
export const contactDetails = { columns: withDetails, fromRow: flatten }

export const contactsRepository = {
  async insert(db: Db, contact: NewContact): Promise<Contact> {
    const [row] = await db.insert(contacts).values(contact).returning(shownColumns)
    if (!row) throw new Error('insert returned no row')
    return row
  },

  /** How many of the company's contacts no staff member has opened, counted up to `upTo`. */
  async countUnviewed(db: Db, companyId: number, upTo: number): Promise<number> {
    const unviewed = db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.companyId, companyId), eq(contacts.viewed, false)))
      .limit(upTo)
      .as('unviewed')
    const [row] = await db.select({ total: count() }).from(unviewed)
    return Number(row?.total ?? 0)
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
