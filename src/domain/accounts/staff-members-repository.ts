import { and, asc, eq, or, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { users } from '../../db/schema/index.ts'

/** A staff member as other staff objects name them: an assignee, an author. */
export type StaffUser = { id: number; email: string; firstName: string; lastName: string }

const isStaffMember = or(eq(users.isStaff, true), eq(users.isSuperuser, true))

export const staffMembersRepository = {
  /** The company's active staff and admin users, by name. */
  async list(db: Db, companyId: number) {
    return db
      .select({
        id: users.id,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        isStaff: users.isStaff,
        isSuperuser: users.isSuperuser,
      })
      .from(users)
      .where(and(eq(users.companyId, companyId), eq(users.isActive, true), isStaffMember))
      .orderBy(asc(users.firstName), asc(users.lastName), asc(users.id))
  },

  /** Whether `userId` is an active staff or admin user of the company: one who can be assigned work. */
  async isAssignable(db: Db, companyId: number, userId: number): Promise<boolean> {
    const [row] = await db
      .select({ one: sql`1` })
      .from(users)
      .where(
        and(eq(users.companyId, companyId), eq(users.id, userId), eq(users.isActive, true), isStaffMember),
      )
    return row !== undefined
  },
}
