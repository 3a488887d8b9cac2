import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { notFound } from '../domain/errors.ts'
import { drfErrorHandler } from './drf/errors.ts'
import { shopErrorHandler } from './shop/errors.ts'
import { vendorErrorHandler } from './vendor/errors.ts'

const byPrefix: [string, (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => unknown][] = [
  ['/vendor/', vendorErrorHandler],
  ['/v3/', shopErrorHandler],
  ['/users/', drfErrorHandler({ unauthenticatedStatus: 403 })],
]
const fallback = drfErrorHandler({ unauthenticatedStatus: 401 })

/**
 * Fastify's router refuses a path it cannot decode (bad percent-encoding) or with a parameter longer than it
 * reads before any surface sees the request. Such a path names nothing: a 404 in the shape of the surface
 * whose prefix it has.
 */
export function frameworkErrors(_error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const url = request.raw.url ?? '/'
  const handler = byPrefix.find(([prefix]) => url.startsWith(prefix))?.[1] ?? fallback
  return handler(notFound() as unknown as FastifyError, request, reply)
}
