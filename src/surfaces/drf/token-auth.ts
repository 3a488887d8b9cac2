import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import type { Principal } from '../../domain/principal.ts'
import { Refusal } from '../http/failures.ts'

/**
 * Who sends an `Authorization: Token <key>` (or `Bearer <key>`) header, refusals worded as Django REST
 * framework's TokenAuthentication words them.
 */
export async function principalOfTokenHeader(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const header = request.headers.authorization
  if (!header) throw new Refusal('unauthenticated', 'Authentication credentials were not provided.')
  const [scheme = '', key, extra] = header.trim().split(/\s+/)
  if (!['token', 'bearer'].includes(scheme.toLowerCase())) {
    throw new Refusal('unauthenticated', 'Authentication credentials were not provided.')
  }
  if (!key) throw new Refusal('unauthenticated', 'Invalid token header. No credentials provided.')
  if (extra !== undefined) {
    throw new Refusal('unauthenticated', 'Invalid token header. Token string should not contain spaces.')
  }
  const principal = await domain.accounts.principalOfApiKey(key)
  if (!principal) throw new Refusal('unauthenticated', 'Invalid token.')
  return principal
}
