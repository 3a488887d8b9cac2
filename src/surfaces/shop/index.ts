import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { Domain } from '../../domain/create-domain.ts'
import { userCaller } from '../../domain/principal.ts'
import { Refusal } from '../http/failures.ts'
import { authenticateShop } from './bearer-auth.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { shopErrorHandler, shopNotFound } from './errors.ts'
import { messageRoutes } from './message-routes.ts'

/**
 * The seed requires `application/json`; the app also parses forms for the cookie surfaces, so a form sent
 * here is refused before it is parsed rather than read with other rules than the client expects.
 */
function requireJsonBody(request: FastifyRequest) {
  const type = request.headers['content-type']
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || 'transfer-encoding' in request.headers
  if (type === undefined || !hasBody || /^application\/json\s*(;|$)/i.test(type)) return
  throw new Refusal('unsupported_media_type', `Unsupported media type "${type}"; send application/json.`)
}

/** The shop surface (`/v3/`, seed 004): bearer keys of staff users, camelCase in a success/data envelope. */
export const shopSurface: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.setErrorHandler(shopErrorHandler)
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return shopNotFound(request, reply)
  })
  app.addHook('onRequest', async (request) => {
    request.caller = userCaller(await authenticateShop(request, domain))
    requireJsonBody(request)
  })

  await app.register(conversationRoutes, { domain })
  await app.register(messageRoutes, { domain })
}
