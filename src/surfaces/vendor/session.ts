import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../domain/principal.ts'
import { type CsrfOptions, type CsrfProblem, csrfProblem, originProblem } from '../http/double-submit.ts'
import { Refusal } from '../http/failures.ts'

export function requireVendorPrincipal(request: FastifyRequest): Principal {
  if (request.caller.kind !== 'user') throw new Refusal('unauthenticated', 'Authentication required.')
  return request.caller.user
}

const csrfMessages = {
  foreign_origin: 'Cross-site request refused: the Origin is not trusted.',
  no_cookie: 'CSRF token missing: the CSRF_TOKEN cookie is not set.',
  no_header: 'CSRF token missing: send the CSRF_TOKEN cookie value in the X-CSRF-TOKEN header.',
  mismatch: 'CSRF token mismatch.',
}

const refuse = (problem: CsrfProblem | undefined) => {
  if (problem) throw new Refusal('forbidden', csrfMessages[problem.kind])
}

export const checkVendorCsrf = (request: FastifyRequest, options: CsrfOptions) =>
  refuse(csrfProblem(request, options))
export const checkVendorOrigin = (request: FastifyRequest, options: CsrfOptions) =>
  refuse(originProblem(request, options))
