import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'
import { isStaffOrAdmin } from '../../domain/staff-policy.ts'
import { principalOfTokenHeader } from '../drf/token-auth.ts'

const NO_PERMISSION = 'You do not have permission to perform this action.'

/** An API key of a staff or admin user, refused as DRF's TokenAuthentication and IsAdminUser word it. */
export async function authenticateStaff(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const principal = await principalOfTokenHeader(request, domain)
  if (!isStaffOrAdmin(principal)) throw new DomainError('forbidden', NO_PERMISSION)
  return principal
}
