import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay, { type HTTPMethod } from 'find-my-way'

/** Raised for a path some route serves, but not with the request's method; each surface words it. */
export class MethodNotAllowedError extends Error {
  readonly statusCode = 405
  readonly method: string
  readonly allow: string[]
  constructor(method: string, allow: string[]) {
    super(`Method "${method}" not allowed.`)
    this.method = method
    this.allow = allow
  }
}

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/**
 * Keeps a second router of every route as it is added, matching paths as Fastify's does, so that a request
 * Fastify found no route for can be told apart: a path no route serves (404), or one served only with other
 * methods (405 with `Allow`, as Django REST framework answers).
 */
export const allowedMethods = fp(async (app: FastifyInstance) => {
  const router = FindMyWay({ ignoreTrailingSlash: true })
  const known = new Set<string>()
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // With the trailing slash optional, `/a` and `/a/` are one route to either router.
      const key = `${method} ${route.url.replace(/\/$/, '')}`
      if (known.has(key) || !(METHODS as string[]).includes(method)) continue
      known.add(key)
      router.on(method as HTTPMethod, route.url, () => {})
    }
  })
  app.decorate('refuseOtherMethod', (request: FastifyRequest) => {
    const path = request.url.split('?')[0] ?? '/'
    const allow = METHODS.filter((method) => router.find(method, path) !== null)
    if (allow.length > 0) throw new MethodNotAllowedError(request.method, allow)
  })
})

declare module 'fastify' {
  interface FastifyInstance {
    /** Throws a MethodNotAllowedError when another method of the request's path has a route. */
    refuseOtherMethod(request: FastifyRequest): void
  }
}
