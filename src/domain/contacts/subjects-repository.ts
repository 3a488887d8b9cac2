import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { contactSubjects } from '../../db/schema/index.ts'

export type ContactSubject = typeof contactSubjects.$inferSelect

export const subjectsRepository = {
  async list(db: Db, companyId: number): Promise<ContactSubject[]> {
    return db
      .select()
      .from(contactSubjects)
      .where(eq(contactSubjects.companyId, companyId))
      .orderBy(asc(contactSubjects.position), asc(contactSubjects.id))
  },

  async findById(db: Db, companyId: number, id: number): Promise<ContactSubject | undefined> {
    const [row] = await db
      .select()
      .from(contactSubjects)
      .where(and(eq(contactSubjects.companyId, companyId), eq(contactSubjects.id, id)))
    return row
  },
}
