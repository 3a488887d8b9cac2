import { DomainError, type Problem } from '../errors.ts'
import type { Principal } from '../principal.ts'

/*
 * Who may do what as the shop, written once: every surface's and the domain's checks of staff and admin
 * rights call these (each surface keeps its own wording of a refusal). The one statement that needs the rule
 * in SQL, listing who can be assigned work, spells it as staff-members-repository.ts's `isStaffMember`.
 */

const NO_PERMISSION: Problem = { code: 'no_permission' }

type Rights = Pick<Principal, 'isStaff' | 'isSuperuser'>

/** Staff and admins work the shop's contacts, conversations and its mirror of the catalog; customers never do. */
export const isStaffOrAdmin = (principal: Rights) => principal.isStaff || principal.isSuperuser

/** Only admins change the shop's settings. */
export const isAdmin = (principal: Rights) => principal.isSuperuser

export function requireStaff(principal: Rights, refusal: Problem = NO_PERMISSION): void {
  if (!isStaffOrAdmin(principal)) throw new DomainError('forbidden', refusal)
}

export function requireAdmin(principal: Rights): void {
  if (!isAdmin(principal)) throw new DomainError('forbidden', NO_PERMISSION)
}
