import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { drfErrorHandler } from '../drf/errors.ts'
import { principalOfTokenHeader } from '../drf/token-auth.ts'
import { declareSecurity } from '../http/openapi-security.ts'
import { authenticateSession, type SessionCookies } from '../http/session-cookies.ts'
import { accountRoutes } from './account-routes.ts'
import { contactRoutes } from './contact-routes.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { type CsrfOptions, checkCsrf, setCsrfCookie } from './csrf.ts'
import { eventRoutes } from './event-routes.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skips the CSRF token check (session-establishing routes); the Origin check still applies. */
    csrfExempt?: boolean
  }
}

/** The storefront surface (`/users/`, seeds 000 and 001): session cookies, Django CSRF, DRF bodies. */
export const storefrontSurface: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  events: EventHub
}> = async (app, { domain, config, events }) => {
  const cookies: SessionCookies = {
    names: [config.cookies.storefrontSession, config.cookies.storefrontSessionAlt],
    secure: config.cookies.secure,
  }
  const csrf: CsrfOptions = {
    cookie: config.cookies.storefrontCsrf,
    header: config.cookies.storefrontCsrfHeader,
    trustedOrigins: config.trustedOrigins,
    secure: config.cookies.secure,
  }

  // The storefront reads JSON, urlencoded and multipart bodies only; any other is a 415, as DRF's parsers say.
  app.removeContentTypeParser('text/plain')
  app.setErrorHandler(drfErrorHandler({ unauthenticatedStatus: 403 }))
  app.setNotFoundHandler((_request, reply) => reply.status(404).send({ detail: 'Not found.' }))
  declareSecurity(app, () => [{ cookieAuth: [] }])

  app.addHook('onRequest', async (request, reply) => {
    // Every response hands out a CSRF cookie to a client that has none, as Django's middleware does.
    if (!request.cookies[csrf.cookie]) setCsrfCookie(reply, csrf)
    if (request.headers.authorization !== undefined) {
      // Authenticated by the header alone, never by a cookie riding along: such a request is not forgeable
      // cross-site, so it needs no CSRF token.
      request.principal = await principalOfTokenHeader(request, domain)
      return
    }
    await authenticateSession(request, domain, cookies)
    if (!request.routeOptions.config.csrfExempt) checkCsrf(request, csrf)
  })

  await app.register(accountRoutes, { domain, config, cookies, csrf })
  await app.register(contactRoutes, { domain, config })
  await app.register(conversationRoutes, { domain })
  await app.register(eventRoutes, { domain, events })
}
