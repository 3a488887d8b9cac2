import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { Principal } from '../../domain/principal.ts'
import { authenticateShop } from './bearer-auth.ts'
import { shopErrorHandler, shopNotFound } from './errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff user behind the shop surface's bearer key, set before any handler runs. */
    shopUser: Principal
  }
}

/** The shop surface (`/v3/`, seed 004): bearer keys of staff users, camelCase in a success/data envelope. */
export const shopSurface: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.setErrorHandler(shopErrorHandler)
  app.setNotFoundHandler(shopNotFound)
  app.decorateRequest('shopUser', null as unknown as Principal)
  app.addHook('onRequest', async (request) => {
    request.shopUser = await authenticateShop(request, domain)
  })
}
