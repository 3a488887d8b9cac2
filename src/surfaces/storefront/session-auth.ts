import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Actor, Principal } from '../../domain/principal.ts'

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new DomainError('unauthenticated', 'Authentication credentials were not provided.')
  return request.principal
}

/** The caller and its tenant: a logged-in user's company, else the company serving this host. */
export async function actorOf(request: FastifyRequest, domain: Domain): Promise<Actor> {
  const principal = request.principal
  const companyId = principal?.companyId ?? (await domain.accounts.companyForHost(request.host))
  return { companyId, principal }
}
