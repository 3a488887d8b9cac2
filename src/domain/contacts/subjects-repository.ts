import { and, asc, count, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { contactSubjects } from '../../db/schema/index.ts'

export type ContactSubject = typeof contactSubjects.$inferSelect
export type SubjectFields = Pick<
  typeof contactSubjects.$inferInsert,
  'texts' | 'defaultLanguage' | 'isOrderNeeded' | 'position'
>

const ofCompany = (companyId: number, id: number) =>
  and(eq(contactSubjects.companyId, companyId), eq(contactSubjects.id, id))

export const subjectsRepository = {
  async list(db: Db, companyId: number, page?: { offset: number; limit: number }): Promise<ContactSubject[]> {
    const query = db
      .select()
      .from(contactSubjects)
      .where(eq(contactSubjects.companyId, companyId))
      .orderBy(asc(contactSubjects.position), asc(contactSubjects.id))
    return page ? query.limit(page.limit).offset(page.offset) : query
  },

  async count(db: Db, companyId: number): Promise<number> {
    const [row] = await db
      .select({ total: count() })
      .from(contactSubjects)
      .where(eq(contactSubjects.companyId, companyId))
    return Number(row?.total ?? 0)
  },

  async findById(db: Db, companyId: number, id: number): Promise<ContactSubject | undefined> {
    const [row] = await db.select().from(contactSubjects).where(ofCompany(companyId, id))
    return row
  },

  async insert(db: Db, companyId: number, fields: SubjectFields): Promise<ContactSubject> {
    const [row] = await db
      .insert(contactSubjects)
      .values({ ...fields, companyId })
      .returning()
    if (!row) throw new Error('insert returned no row')
    return row
  },

  async update(
    db: Db,
    companyId: number,
    id: number,
    changes: Partial<SubjectFields>,
  ): Promise<ContactSubject | undefined> {
    const [row] = await db
      .update(contactSubjects)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(ofCompany(companyId, id))
      .returning()
    return row
  },

  async delete(db: Db, companyId: number, id: number): Promise<boolean> {
    const rows = await db
      .delete(contactSubjects)
      .where(ofCompany(companyId, id))
      .returning({ id: contactSubjects.id })
    return rows.length > 0
  },
}
