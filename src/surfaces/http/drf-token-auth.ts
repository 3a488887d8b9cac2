import type { FastifyRequest } from 'fastify'
import type { User } from '../../domain/accounts/users-repository.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'

/**
 * The user of an `Authorization: Token <key>` (or `Bearer <key>`) header, refusals worded as Django REST
 * framework's TokenAuthentication words them.
 */
export async function userOfTokenHeader(request: FastifyRequest, domain: Domain): Promise<User> {
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
  return user
}
