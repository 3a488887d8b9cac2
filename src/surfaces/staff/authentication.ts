import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { requireStaff } from '../../domain/policy/staff.ts'
import { userCaller } from '../../domain/principal.ts'
import { checkCsrf } from '../drf/csrf.ts'
import { principalOfTokenHeader } from '../drf/token-auth.ts'
import type { CsrfOptions } from '../http/double-submit.ts'
import { Refusal } from '../http/failures.ts'
import { authenticateSession, type SessionCookies } from '../http/session-cookies.ts'

const NOT_PROVIDED = 'Authentication credentials were not provided.'

export type StaffAuthOptions = { cookies: SessionCookies; csrf: CsrfOptions }

/**
 * Who calls, as DRF's TokenAuthentication and SessionAuthentication side by side decide it: an `Authorization`
 * header alone decides (a cookie riding along is ignored, and such a request needs no CSRF token); without
 * one, the session cookie, whose unsafe requests must pass Django's CSRF check. Sets `request.caller` and,
 * for a session, `request.credential`.
 */
export async function identifyCaller(request: FastifyRequest, domain: Domain, options: StaffAuthOptions) {
  if (request.headers.authorization !== undefined) {
    request.caller = userCaller(await principalOfTokenHeader(request, domain))
    return
  }
  await authenticateSession(request, domain, options.cookies)
  if (request.caller.kind === 'user') checkCsrf(request, options.csrf)
}

/** The caller must be a staff or admin user; refused as DRF's IsAdminUser words it. */
export function requireStaffCaller(request: FastifyRequest) {
  // No credentials at all: 401 with the Token challenge, as before sessions were accepted.
  if (request.caller.kind !== 'user') throw new Refusal('unauthenticated', NOT_PROVIDED)
  requireStaff(request.caller.user)
}
