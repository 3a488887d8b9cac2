import { and, count, desc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { webhookEndpoints } from '../../db/schema/index.ts'

export type EndpointRow = typeof webhookEndpoints.$inferSelect

export type EndpointFields = { url: string; events: string[]; description: string; enabled: boolean }

/** Every query is scoped by company: another company's endpoint is as absent as a missing one. */
const owned = (companyId: number, id: number) =>
  and(eq(webhookEndpoints.companyId, companyId), eq(webhookEndpoints.id, id))

export const endpointsRepository = {
  async insert(db: Db, companyId: number, fields: EndpointFields, secret: string): Promise<EndpointRow> {
    const [row] = await db
      .insert(webhookEndpoints)
      .values({ companyId, ...fields, secret })
      .returning()
    if (!row) throw new Error('the endpoint insert returned no row')
    return row
  },

  async find(db: Db, companyId: number, id: number): Promise<EndpointRow | undefined> {
    const [row] = await db.select().from(webhookEndpoints).where(owned(companyId, id))
    return row
  },

  async list(db: Db, companyId: number, page: { offset: number; limit: number }) {
    const where = eq(webhookEndpoints.companyId, companyId)
    const [rows, [total]] = await Promise.all([
      db
        .select()
        .from(webhookEndpoints)
        .where(where)
        .orderBy(desc(webhookEndpoints.id))
        .offset(page.offset)
        .limit(page.limit),
      db.select({ count: count() }).from(webhookEndpoints).where(where),
    ])
    return { rows, total: total?.count ?? 0 }
  },

  /** Applies the changes given; enabling an endpoint also forgets its run of failures and why it stopped. */
  async update(db: Db, companyId: number, id: number, changes: Partial<EndpointFields>) {
    const reenabled = changes.enabled === true ? { failingSince: null, disabledReason: null } : {}
    const disabledByAdmin = changes.enabled === false ? { disabledReason: null } : {}
    const [row] = await db
      .update(webhookEndpoints)
      .set({ ...changes, ...reenabled, ...disabledByAdmin, updatedAt: sql`now()` })
      .where(owned(companyId, id))
      .returning()
    return row
  },

  async remove(db: Db, companyId: number, id: number): Promise<boolean> {
    const rows = await db
      .delete(webhookEndpoints)
      .where(owned(companyId, id))
      .returning({ id: webhookEndpoints.id })
    return rows.length > 0
  },

  /** Makes `secret` the signing secret; the one it replaces keeps signing until `previousUntil`. */
  async rotate(db: Db, companyId: number, id: number, secret: string, previousUntil: Date) {
    const [row] = await db
      .update(webhookEndpoints)
      .set({
        previousSecret: sql`${webhookEndpoints.secret}`,
        previousSecretExpiresAt: previousUntil,
        secret,
        updatedAt: sql`now()`,
      })
      .where(owned(companyId, id))
      .returning()
    return row
  },
}
