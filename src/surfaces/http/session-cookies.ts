import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { anonymous, userCaller } from '../../domain/principal.ts'

/** The cookies a surface reads a session from, its own first; it sets only its own. */
export type SessionCookies = { names: string[]; secure: boolean | 'auto' }

export const sessionTokenOf = (request: FastifyRequest, cookies: SessionCookies) => {
  for (const name of cookies.names) {
    const value = request.cookies[name]
    if (value) return value
  }
  return undefined
}

/** Sets `request.caller` from the session cookie; an unknown or expired session is simply anonymous. */
export async function authenticateSession(request: FastifyRequest, domain: Domain, cookies: SessionCookies) {
  const token = sessionTokenOf(request, cookies)
  const principal = token === undefined ? undefined : await domain.accounts.principalOfSession(token)
  request.caller = principal ? userCaller(principal) : anonymous
  request.credential = principal && token ? domain.accounts.sessionCredential(token) : null
}

export function setSessionCookies(
  reply: FastifyReply,
  cookies: SessionCookies,
  names: string[],
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
  for (const name of names) reply.setCookie(name, token, options)
}

export function clearSessionCookies(reply: FastifyReply, names: string[]) {
  for (const name of names) reply.clearCookie(name, { path: '/' })
}
