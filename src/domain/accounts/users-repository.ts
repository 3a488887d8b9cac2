import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { apiKeys, sessions, users } from '../../db/schema/index.ts'
import { type Json, userRecordOf } from '../conversations/queries/shown-records-repository.ts'
import type { UserSummary } from '../conversations/types.ts'
import type { Principal } from '../principal.ts'

export type NewUser = typeof users.$inferInsert
export type User = typeof users.$inferSelect

const principalColumns = {
  userId: users.id,
  companyId: users.companyId,
  email: users.email,
  isStaff: users.isStaff,
  isSuperuser: users.isSuperuser,
}

export const usersRepository = {
  async findById(db: Db, companyId: number, id: number): Promise<User | undefined> {
    const [row] = await db
      .select()
      .from(users)
      .where(and(eq(users.companyId, companyId), eq(users.id, id)))
    return row
  },

  async findByEmail(db: Db, companyId: number, email: string): Promise<User | undefined> {
    const [row] = await db
      .select()
      .from(users)
      .where(and(eq(users.companyId, companyId), sql`lower(${users.email}) = lower(${email})`))
    return row
  },

  async insert(db: Db, user: NewUser): Promise<User> {
    const [row] = await db.insert(users).values(user).returning()
    if (!row) throw new Error('insert returned no row')
    return row
  },

  async update(db: Db, id: number, changes: Partial<NewUser>): Promise<User> {
    const [row] = await db
      .update(users)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning()
    if (!row) throw new Error('update found no row')
    return row
  },

  async insertSession(db: Db, tokenHash: string, userId: number, expiresAt: Date) {
    await db.insert(sessions).values({ tokenHash, userId, expiresAt })
  },

  /**
   * The principal a live session acts as, when the session ends, and the user as conversations show it (see
   * accounts-service's principalOfSession).
   */
  async principalOfSession(
    db: Db,
    tokenHash: string,
  ): Promise<(Principal & { expiresAt: Date; shown: Json<UserSummary> }) | undefined> {
    // Runs on every request the credentials cache misses: a primary-key lookup of the few columns needed,
    // and of the shown ones, so that the user's first page finds them held.
    const query = prepared(db, 'principal_of_session', (db) =>
      db
        .select({ ...principalColumns, expiresAt: sessions.expiresAt, shown: userRecordOf('users') })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(
            eq(sessions.tokenHash, sql.placeholder('tokenHash')),
            sql`${sessions.expiresAt} > now()`,
            eq(users.isActive, true),
          ),
        )
        .prepare('principal_of_session'),
    )
    const [row] = await query.execute({ tokenHash })
    return row
  },

  /** When the user last logged in: the newest of their sessions, live or expired, that was not ended. */
  async lastLogin(db: Db, userId: number): Promise<Date | null> {
    const [row] = await db
      .select({ at: sql<Date | null>`max(${sessions.createdAt})`.mapWith(sessions.createdAt) })
      .from(sessions)
      .where(eq(sessions.userId, userId))
    return row?.at ?? null
  },

  async deleteSession(db: Db, tokenHash: string) {
    await db.delete(sessions).where(eq(sessions.tokenHash, tokenHash))
  },

  async insertApiKey(db: Db, key: { userId: number; name: string; prefix: string; keyHash: string }) {
    const [row] = await db.insert(apiKeys).values(key).returning({ id: apiKeys.id })
    return row
  },

  /** The principal an unrevoked API key acts as. */
  async principalOfApiKey(db: Db, keyHash: string): Promise<Principal | undefined> {
    const query = prepared(db, 'principal_of_api_key', (db) =>
      db
        .select(principalColumns)
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(
          and(
            eq(apiKeys.keyHash, sql.placeholder('keyHash')),
            sql`${apiKeys.revokedAt} is null`,
            eq(users.isActive, true),
          ),
        )
        .prepare('principal_of_api_key'),
    )
    const [row] = await query.execute({ keyHash })
    return row
  },
}
