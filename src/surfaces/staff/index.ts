import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { drfErrorHandler } from '../drf/errors.ts'
import { declareSecurity } from '../http/openapi-security.ts'
import { authRoutes } from './auth-routes.ts'
import { identifyCaller, requireStaffCaller, type StaffAuthOptions } from './authentication.ts'
import { contactRoutes } from './contact-routes.ts'
import { conversationRoutes } from './conversation-routes.ts'
import { eventRoutes } from './event-routes.ts'
import { settingsRoutes } from './settings-routes.ts'
import { staffMemberRoutes } from './staff-member-routes.ts'
import { subjectRoutes } from './subject-routes.ts'
import { syncRoutes } from './sync-routes.ts'
import { webhookRoutes } from './webhook-routes.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A staff route any caller may reach (signing in, who am I): it checks the caller itself. */
    anyCaller?: boolean
  }
}

/**
 * The staff surface (`/api/`, seed 002): an API key, or the session cookie of a signed-in staff user with
 * Django's CSRF check; staff or admin only; DRF bodies.
 */
export const staffSurface: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  events: EventHub
}> = async (app, { domain, config, events }) => {
  const auth: StaffAuthOptions = {
    // The storefront's session cookie and CSRF cookie: one sign-in, as Django's admin and API share one.
    cookies: {
      names: [config.cookies.storefrontSession, config.cookies.storefrontSessionAlt],
      secure: config.cookies.secure,
    },
    csrf: {
      cookie: config.cookies.storefrontCsrf,
      header: config.cookies.storefrontCsrfHeader,
      trustedOrigins: config.trustedOrigins,
      secure: config.cookies.secure,
    },
  }
  app.setErrorHandler(drfErrorHandler({ unauthenticatedStatus: 401, challenge: 'Token' }))
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return reply.status(404).send({ detail: 'Not found.' })
  })
  const session: Record<string, string[]>[] = [{ cookieAuth: [] }]
  const sessionWrite: Record<string, string[]>[] = [{ cookieAuth: [], csrfHeader: [] }]
  declareSecurity(app, (unsafe) => [{ tokenAuth: [] }, ...(unsafe ? sessionWrite : session)])
  app.addHook('onRequest', async (request) => {
    await identifyCaller(request, domain, auth)
    if (!request.routeOptions.config.anyCaller) requireStaffCaller(request)
  })

  await app.register(authRoutes, { domain, config, auth })
  await app.register(staffMemberRoutes, { domain })

  await app.register(settingsRoutes, { domain })
  await app.register(contactRoutes, { domain })
  await app.register(conversationRoutes, { domain })
  await app.register(eventRoutes, { domain, events })
  await app.register(subjectRoutes, { domain })
  await app.register(syncRoutes, { domain })
  await app.register(webhookRoutes, { domain })
}
