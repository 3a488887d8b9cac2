import type { FastifyRequest } from 'fastify'
import { principalOf } from '../../domain/accounts/accounts-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'

/** `Authorization: Bearer <key>` of a staff user; the key's company is the tenant of every request. */
export async function authenticateShop(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  if (!match?.[1])
    throw new DomainError('unauthenticated', 'Missing or malformed Authorization: Bearer <key> header.')
  const user = await domain.accounts.userOfApiKey(match[1])
  if (!user) throw new DomainError('unauthenticated', 'Invalid API key.')
  if (!user.isStaff && !user.isSuperuser) {
    throw new DomainError('forbidden', 'This API key does not belong to a staff user.')
  }
  return principalOf(user)
}
