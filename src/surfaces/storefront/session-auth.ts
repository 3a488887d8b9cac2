import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { type Actor, type Principal, userOf } from '../../domain/principal.ts'
import { Refusal } from '../http/failures.ts'

export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.caller.kind !== 'user')
    throw new Refusal('unauthenticated', 'Authentication credentials were not provided.')
  return request.caller.user
}

/** The caller and its tenant: a logged-in user's company, else the company serving this host. */
export async function actorOf(request: FastifyRequest, domain: Domain): Promise<Actor> {
  const principal = userOf(request.caller)
  const companyId = principal?.companyId ?? (await domain.accounts.companyForHost(request.host))
  return { companyId, principal }
}
