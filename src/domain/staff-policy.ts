import { DomainError } from './errors.ts'
import type { Principal } from './principal.ts'

/** Staff and admins work the shop's contacts and its mirror of the catalog; customers never do. */
export function requireStaff(principal: Principal): void {
  if (!principal.isStaff && !principal.isSuperuser) {
    throw new DomainError('forbidden', 'You do not have permission to perform this action.')
  }
}
