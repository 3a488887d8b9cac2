import { asc, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { companies, locations } from '../../db/schema/index.ts'

export const companiesRepository = {
  /** The company serving a host name, else the first one made: a single shop needs no host set up. */
  async forHost(db: Db, host: string | undefined): Promise<number | undefined> {
    const name = (host ?? '').replace(/:\d+$/, '').toLowerCase()
    const [row] = await db
      .select({ id: companies.id })
      .from(companies)
      .orderBy(sql`${name} = any(${companies.hosts}) desc`, asc(companies.id))
      .limit(1)
    return row?.id
  },

  /** The company's first location, or null for a company without one. */
  async firstLocation(db: Db, companyId: number): Promise<number | null> {
    const [row] = await db
      .select({ id: locations.id })
      .from(locations)
      .where(eq(locations.companyId, companyId))
      .orderBy(asc(locations.id))
      .limit(1)
    return row?.id ?? null
  },

  /** Creates the default company and its first location unless a company exists. */
  async ensureDefault(db: Db): Promise<void> {
    await db.transaction(async (tx) => {
      const [company] = await tx
        .insert(companies)
        .values({ name: 'Default', slug: 'default' })
        .onConflictDoNothing({ target: companies.slug })
        .returning({ id: companies.id })
      if (company) await tx.insert(locations).values({ companyId: company.id, name: 'Main' })
    })
  },
}
