import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { awaitsFormToken, type CsrfOptions, dropFormToken, setCsrfCookie } from '../http/double-submit.ts'
import { declareSecurity } from '../http/openapi-security.ts'
import { authenticateSession, type SessionCookies } from '../http/session-cookies.ts'
import { authRoutes } from './auth-routes.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { vendorErrorHandler, vendorNotFound } from './errors.ts'
import { eventRoutes } from './event-routes.ts'
import { messageRoutes } from './message-routes.ts'
import { checkVendorCsrf, checkVendorOrigin, requireVendorPrincipal } from './session.ts'

/** The vendor surface (`/vendor/`, seed 003): PARTIZAP_SESSION cookie, CSRF_TOKEN double submit, `{"data": …}`. */
export const vendorSurface: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  events: EventHub
}> = async (app, { domain, config, events }) => {
  const cookies: SessionCookies = {
    names: [
      config.cookies.vendorSession,
      config.cookies.storefrontSession,
      config.cookies.storefrontSessionAlt,
    ],
    secure: config.cookies.secure,
  }
  const csrf: CsrfOptions = {
    cookie: config.cookies.vendorCsrf,
    header: config.cookies.vendorCsrfHeader,
    trustedOrigins: config.trustedOrigins,
    secure: config.cookies.secure,
  }

  app.setErrorHandler(vendorErrorHandler)
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return vendorNotFound(request, reply)
  })
  const session: Record<string, string[]> = { sessionCookie: [] }
  declareSecurity(app, (unsafe) => [unsafe ? { ...session, csrfToken: [] } : session])
  app.addHook('onRequest', async (request, reply) => {
    if (!request.cookies[csrf.cookie]) setCsrfCookie(reply, csrf)
    await authenticateSession(request, domain, cookies)
    if (request.routeOptions.config.csrfExempt) return
    if (awaitsFormToken(request, csrf)) checkVendorOrigin(request, csrf)
    else checkVendorCsrf(request, csrf)
  })
  // A form post may carry its token in the `csrfmiddlewaretoken` field, readable once the body is.
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.csrfExempt) return
    if (awaitsFormToken(request, csrf)) checkVendorCsrf(request, csrf)
    dropFormToken(request)
  })

  await app.register(authRoutes, { domain, config, cookies, csrf })
  // Every other route is a signed-in user's: the session is required before the body is validated, so an
  // anonymous write is a 401, not a 422 that describes the route's fields.
  await app.register(async (signedIn) => {
    signedIn.addHook('onRequest', async (request) => {
      requireVendorPrincipal(request)
    })
    await signedIn.register(eventRoutes, { domain, events })
    await signedIn.register(conversationRoutes, { domain })
    await signedIn.register(messageRoutes, { domain })
  })
}
