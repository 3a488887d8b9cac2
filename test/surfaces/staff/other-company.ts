import { companies } from '../../../src/db/schema/index.ts'
import type { TestApp } from '../../helpers/test-app.ts'

/** A second tenant with a staff user and an API key, made directly in the database. */
export async function otherCompany(parley: TestApp) {
  const [company] = await parley.db
    .insert(companies)
    .values({ name: 'Other shop', slug: `other-${Date.now()}-${Math.random().toString(36).slice(2)}` })
    .returning({ id: companies.id })
  if (!company) throw new Error('could not make the other company')
  const staff = await parley.app.domain.accounts.createUser({
    companyId: company.id,
    email: 'staff@other.test',
    isStaff: true,
  })
  return { companyId: company.id, token: await parley.app.domain.accounts.createApiKey(staff.id) }
}
