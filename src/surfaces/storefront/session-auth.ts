import type { FastifyReply, FastifyRequest } from 'fastify'
import { principalOf } from '../../domain/accounts/accounts-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Actor, Principal } from '../../domain/principal.ts'

export type SessionCookies = { session: string; sessionAlt: string; secure: boolean }

export const sessionTokenOf = (request: FastifyRequest, cookies: SessionCookies) =>
  request.cookies[cookies.session] || request.cookies[cookies.sessionAlt] || undefined

/** Sets `request.principal` from the session cookie; an unknown or expired session is simply anonymous. */
export async function authenticateSession(request: FastifyRequest, domain: Domain, cookies: SessionCookies) {
  const token = sessionTokenOf(request, cookies)
  const user = token === undefined ? undefined : await domain.accounts.userOfSession(token)
  request.principal = user ? principalOf(user) : null
}

export function setSessionCookies(
  reply: FastifyReply,
  cookies: SessionCookies,
  token: string,
  maxAgeSeconds: number,
) {
  const options = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookies.secure,
    maxAge: maxAgeSeconds,
  }
  reply.setCookie(cookies.session, token, options)
  reply.setCookie(cookies.sessionAlt, token, options)
}

export function clearSessionCookies(reply: FastifyReply, cookies: SessionCookies) {
  reply.clearCookie(cookies.session, { path: '/' })
  reply.clearCookie(cookies.sessionAlt, { path: '/' })
}

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
