import type { FastifyRequest } from 'fastify'
import { userOf } from '../../domain/principal.ts'

/**
 * The one line a request leaves in the log once it is answered: its route pattern (never the URL, whose query
 * may carry a search or a token), status, duration and who made it. Nothing from the body, the cookies or
 * the headers.
 */
export function logCompletion(request: FastifyRequest, status: number, durationMs: number) {
  const user = userOf(request.caller)
  request.log.info(
    {
      route: request.routeOptions.url ?? null,
      method: request.method,
      status,
      durationMs: Math.round(durationMs * 10) / 10,
      userId: user?.userId,
      companyId: user?.companyId,
    },
    'request completed',
  )
}
