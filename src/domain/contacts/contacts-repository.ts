import type { Db } from '../../db/client.ts'
import { contacts } from '../../db/schema/index.ts'

export type Contact = typeof contacts.$inferSelect
export type NewContact = typeof contacts.$inferInsert

export const contactsRepository = {
  async insert(db: Db, contact: NewContact): Promise<Contact> {
    const [row] = await db.insert(contacts).values(contact).returning()
    if (!row) throw new Error('insert returned no row')
    return row
  },
}
