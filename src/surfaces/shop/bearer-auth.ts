import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { isStaffOrAdmin } from '../../domain/policy/staff.ts'
import type { Principal } from '../../domain/principal.ts'
import { Refusal } from '../http/failures.ts'

/** `Authorization: Bearer <key>` of a staff user; the key's company is the tenant of every request. */
export async function authenticateShop(request: FastifyRequest, domain: Domain): Promise<Principal> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  if (!match?.[1])
    throw new Refusal('unauthenticated', 'Missing or malformed Authorization: Bearer <key> header.')
  const principal = await domain.accounts.principalOfApiKey(match[1])
  if (!principal) throw new Refusal('unauthenticated', 'Invalid API key.')
  if (!isStaffOrAdmin(principal)) {
    throw new Refusal('forbidden', 'This API key does not belong to a staff user.')
  }
  return principal
}
