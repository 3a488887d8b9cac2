import type { Principal } from '../../src/domain/principal.ts'
import type { TestApp } from '../helpers/test-app.ts'

/** The demo users as the domain sees them once authenticated. */
export function principals(parley: TestApp) {
  const as = (name: 'alice' | 'bob' | 'seller' | 'staff' | 'admin', isStaff = false): Principal => {
    const user = parley.demo.users[name]
    if (!user) throw new Error(`no demo user ${name}`)
    return {
      userId: user.id,
      companyId: parley.demo.company.id,
      email: user.email,
      isStaff,
      isSuperuser: false,
    }
  }
  return { alice: as('alice'), bob: as('bob'), seller: as('seller'), staff: as('staff', true) }
}
