import type { FastifyRequest } from 'fastify'
import { principalOf } from '../../domain/accounts/accounts-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'

const NO_PERMISSION = 'You do not have permission to perform this action.'

/**
 * `Authorization: Token <key>` (or `Bearer <key>`) of a staff or admin user, worded as Django REST
 * framework's TokenAuthentication and IsAdminUser word their refusals.
 */
export async function authenticateStaff(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const header = request.headers.authorization
  if (!header) throw new DomainError('unauthenticated', 'Authentication credentials were not provided.')
  const [scheme = '', key, extra] = header.trim().split(/\s+/)
  if (!['token', 'bearer'].includes(scheme.toLowerCase())) {
    throw new DomainError('unauthenticated', 'Authentication credentials were not provided.')
  }
  if (!key) throw new DomainError('unauthenticated', 'Invalid token header. No credentials provided.')
  if (extra !== undefined) {
    throw new DomainError('unauthenticated', 'Invalid token header. Token string should not contain spaces.')
  }
  const user = await domain.accounts.userOfApiKey(key)
  if (!user) throw new DomainError('unauthenticated', 'Invalid token.')
  if (!user.isStaff && !user.isSuperuser) throw new DomainError('forbidden', NO_PERMISSION)
  return principalOf(user)
}
