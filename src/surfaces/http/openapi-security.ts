import type { FastifyInstance } from 'fastify'

type Security = Record<string, string[]>[]

/**
 * Declares a surface's authentication on each of its routes in the OpenAPI document; a route that states its
 * own `security` (e.g. `[]` for an anonymous one) keeps it.
 */
export function declareSecurity(app: FastifyInstance, securityOf: (unsafe: boolean) => Security) {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.security) return
    const unsafe = ![route.method].flat().every((method) => method === 'GET' || method === 'HEAD')
    route.schema.security = securityOf(unsafe)
  })
}
