import type { FastifyRequest } from 'fastify'
import { type CsrfOptions, type CsrfProblem, csrfProblem, originProblem } from '../http/double-submit.ts'
import { Refusal } from '../http/failures.ts'

export { type CsrfOptions, setCsrfCookie } from '../http/double-submit.ts'

/** Django's spelling of a header name in its CSRF messages: `X-CSRFToken` becomes `X-Csrftoken`. */
const djangoHeaderName = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-')

/** A refused write as Django REST framework words it. */
function refusal(problem: CsrfProblem, options: CsrfOptions) {
  const reasons: Record<CsrfProblem['kind'], string> = {
    foreign_origin: `Origin checking failed - ${'origin' in problem ? problem.origin : ''} does not match any trusted origins.`,
    no_cookie: 'CSRF cookie not set.',
    no_header: 'CSRF token missing.',
    mismatch: `CSRF token from the '${djangoHeaderName(options.header)}' HTTP header incorrect.`,
  }
  return new Refusal('forbidden', `CSRF Failed: ${reasons[problem.kind]}`)
}

export function checkOrigin(request: FastifyRequest, options: CsrfOptions) {
  const problem = originProblem(request, options)
  if (problem) throw refusal(problem, options)
}

export function checkCsrf(request: FastifyRequest, options: CsrfOptions) {
  const problem = csrfProblem(request, options)
  if (problem) throw refusal(problem, options)
}
