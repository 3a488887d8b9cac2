import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { Principal } from '../../domain/principal.ts'
import { drfErrorHandler } from '../drf/errors.ts'
import { declareSecurity } from '../http/openapi-security.ts'
import { contactRoutes } from './contact-routes.ts'
import { settingsRoutes } from './settings-routes.ts'
import { subjectRoutes } from './subject-routes.ts'
import { syncRoutes } from './sync-routes.ts'
import { authenticateStaff } from './token-auth.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The staff user of a staff-surface request, set before any handler runs. */
    staff: Principal
  }
}

/** The staff surface (`/api/`, seed 002): API-key authentication, staff or admin only, DRF bodies. */
export const staffSurface: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  app.setErrorHandler(drfErrorHandler({ unauthenticatedStatus: 401, challenge: 'Token' }))
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return reply.status(404).send({ detail: 'Not found.' })
  })
  declareSecurity(app, () => [{ tokenAuth: [] }])
  app.decorateRequest('staff', null as unknown as Principal)
  app.addHook('onRequest', async (request) => {
    // Also as the principal every surface sets, which the request's log line names.
    request.staff = request.principal = await authenticateStaff(request, domain)
  })

  await app.register(settingsRoutes, { domain })
  await app.register(contactRoutes, { domain })
  await app.register(subjectRoutes, { domain })
  await app.register(syncRoutes, { domain })
}
