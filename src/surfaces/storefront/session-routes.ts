import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { CsrfOptions } from '../drf/csrf.ts'
import { DetailResponse } from '../drf/schemas.ts'
import { csrfTokenFor } from '../http/double-submit.ts'
import { presentCurrentUser } from './presenters.ts'
import { CsrfTokenResponse, CurrentUser } from './schemas.ts'
import { requirePrincipal } from './session-auth.ts'

/** The root routes `@akinon/next` calls besides `/users/`: who is signed in, and a CSRF token for a new visitor. */
export const sessionRoutes: FastifyPluginAsyncTypebox<{ domain: Domain; csrf: CsrfOptions }> = async (
  app,
  { domain, csrf },
) => {
  app.get(
    '/current_user/',
    {
      schema: {
        summary: 'The signed-in user',
        operationId: 'retrieveCurrentUser',
        description: 'The user of the session cookie (`sessionid` or `osessionid`); 403 without one.',
        tags: ['Account'],
        response: { 200: CurrentUser, 403: DetailResponse },
      },
    },
    async (request) => presentCurrentUser(await domain.accounts.currentUser(requirePrincipal(request))),
  )

  app.get(
    '/csrf_token/',
    {
      schema: {
        summary: 'A CSRF token',
        operationId: 'retrieveCsrfToken',
        description:
          'The `csrftoken` cookie’s value, set on this response when the client has none. A storefront server that fetched it for a browser sets the cookie itself; the browser then echoes it in `X-CSRFToken`.',
        tags: ['Account'],
        security: [],
        response: { 200: CsrfTokenResponse },
      },
    },
    async (request, reply) => ({ csrf_token: csrfTokenFor(request, reply, csrf) }),
  )
}
