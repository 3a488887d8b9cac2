import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { userCaller } from '../../domain/principal.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { type CsrfOptions, checkCsrf, checkOrigin, setCsrfCookie } from '../drf/csrf.ts'
import { drfErrorHandler } from '../drf/errors.ts'
import { principalOfTokenHeader } from '../drf/token-auth.ts'
import { awaitsFormToken, dropFormToken } from '../http/double-submit.ts'
import { declareSecurity } from '../http/openapi-security.ts'
import { authenticateSession, type SessionCookies } from '../http/session-cookies.ts'
import { accountRoutes } from './account-routes.ts'
import { contactRoutes } from './contact-routes.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { eventRoutes } from './event-routes.ts'
import { sessionRoutes } from './session-routes.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Skips the CSRF token check (session-establishing routes); the Origin check still applies. */
    csrfExempt?: boolean
  }
}

type Options = { domain: Domain; config: Config; events: EventHub }

/** Django's session and CSRF middleware, and DRF's error shapes, for one scope of the surface's routes. */
function actLikeDjango(app: FastifyInstance, domain: Domain, cookies: SessionCookies, csrf: CsrfOptions) {
  // The storefront reads JSON, urlencoded and multipart bodies only; any other is a 415, as DRF's parsers say.
  app.removeContentTypeParser('text/plain')
  app.setErrorHandler(drfErrorHandler({ unauthenticatedStatus: 403 }))
  declareSecurity(app, () => [{ cookieAuth: [] }])

  app.addHook('onRequest', async (request, reply) => {
    // Every response hands out a CSRF cookie to a client that has none, as Django's middleware does.
    if (!request.cookies[csrf.cookie]) setCsrfCookie(reply, csrf)
    if (request.headers.authorization !== undefined) {
      // Authenticated by the header alone, never by a cookie riding along: such a request is not forgeable
      // cross-site, so it needs no CSRF token.
      request.caller = userCaller(await principalOfTokenHeader(request, domain))
      return
    }
    await authenticateSession(request, domain, cookies)
    if (request.routeOptions.config.csrfExempt) return
    if (awaitsFormToken(request, csrf)) checkOrigin(request, csrf)
    else checkCsrf(request, csrf)
  })
  app.addHook('preValidation', async (request) => {
    // A route exempt from the hooks' check makes its own, and is left the field to make it with.
    if (request.routeOptions.config.csrfExempt) return
    if (request.headers.authorization === undefined && awaitsFormToken(request, csrf))
      checkCsrf(request, csrf)
    dropFormToken(request)
  })
}

/**
 * The storefront surface (seeds 000 and 001): `/users/` and the two root routes its client framework
 * (`@akinon/next`) calls, `/current_user/` and `/csrf_token/`. Session cookies, Django CSRF, DRF bodies.
 */
export const storefrontSurface: FastifyPluginAsyncTypebox<Options> = async (
  app,
  { domain, config, events },
) => {
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

  await app.register(
    async (users) => {
      actLikeDjango(users, domain, cookies, csrf)
      users.setNotFoundHandler(async (request, reply) => {
        users.refuseOtherMethod(request)
        return reply.status(404).send({ detail: 'Not found.' })
      })
      await users.register(accountRoutes, { domain, config, cookies, csrf })
      await users.register(contactRoutes, { domain, config })
      await users.register(conversationRoutes, { domain })
      await users.register(eventRoutes, { domain, events })
    },
    { prefix: '/users' },
  )
  await app.register(async (root) => {
    actLikeDjango(root, domain, cookies, csrf)
    await root.register(sessionRoutes, { domain, csrf })
  })
}
