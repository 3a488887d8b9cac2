import type { FastifyRequest } from 'fastify'
import { principalOf } from '../../domain/accounts/accounts-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'
import { userOfTokenHeader } from '../http/drf-token-auth.ts'

const NO_PERMISSION = 'You do not have permission to perform this action.'

/** An API key of a staff or admin user, refused as DRF's TokenAuthentication and IsAdminUser word it. */
export async function authenticateStaff(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const user = await userOfTokenHeader(request, domain)
  if (!user.isStaff && !user.isSuperuser) throw new DomainError('forbidden', NO_PERMISSION)
  return principalOf(user)
}
