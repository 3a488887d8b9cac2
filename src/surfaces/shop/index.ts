import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'
import { authenticateShop } from './bearer-auth.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { shopErrorHandler, shopNotFound } from './errors.ts'
import { messageRoutes } from './message-routes.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff user behind the shop surface's bearer key, set before any handler runs. */
    shopUser: Principal
  }
}

/**
 * The seed requires `application/json`; the app also parses forms for the cookie surfaces, so a form sent
 * here is refused before it is parsed rather than read with other rules than the client expects.
 */
function requireJsonBody(request: FastifyRequest) {
  const type = request.headers['content-type']
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in request.headers
  if (type === undefined || !hasBody || /^application\/json\s*(;|$)/i.test(type)) return
  throw new DomainError('unsupported_media_type', `Unsupported media type "${type}"; send application/json.`)
}

/** The shop surface (`/v3/`, seed 004): bearer keys of staff users, camelCase in a success/data envelope. */
export const shopSurface: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.setErrorHandler(shopErrorHandler)
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return shopNotFound(request, reply)
  })
  app.decorateRequest('shopUser', null as unknown as Principal)
  app.addHook('onRequest', async (request) => {
    // Also as the principal every surface sets, which the request's log line names.
    request.shopUser = request.principal = await authenticateShop(request, domain)
    requireJsonBody(request)
  })

  await app.register(conversationRoutes, { domain })
  await app.register(messageRoutes, { domain })
}
