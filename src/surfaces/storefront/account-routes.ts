import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import { sessionKey } from '../../domain/accounts/secrets.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { type CsrfOptions, checkOrigin, setCsrfCookie } from '../drf/csrf.ts'
import { ErrorResponse } from '../drf/schemas.ts'
import { csrfProblem, csrfTokenFor } from '../http/double-submit.ts'
import {
  clearSessionCookies,
  type SessionCookies,
  sessionTokenOf,
  setSessionCookies,
} from '../http/session-cookies.ts'
import { presentUser } from './presenters.ts'
import { LoginRequest, LoginResponse } from './schemas.ts'

/**
 * What a logout without its CSRF token gets, as Django's confirmation pages carry it: a form whose
 * `csrfmiddlewaretoken` field a person (or `@akinon/next`'s second POST) sends back to end the session.
 */
const confirmLogoutPage = (action: string, token: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Log out</title></head>
<body><form method="post" action="${action}">
<input type="hidden" name="csrfmiddlewaretoken" value="${token}">
<button type="submit">Log out</button>
</form></body></html>
`

export const accountRoutes: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  cookies: SessionCookies
  csrf: CsrfOptions
}> = async (app, { domain, config, cookies, csrf }) => {
  app.post(
    '/login/',
    {
      config: { csrfExempt: true },
      // Before the body is validated: a cross-site sign-in is refused for its Origin whatever it sends.
      onRequest: async (request) => checkOrigin(request, csrf),
      schema: {
        summary: 'Log in',
        operationId: 'logInUser',
        security: [],
        description:
          'Opens a session: sets `sessionid` and `osessionid` (HttpOnly; 32 characters of `[a-z0-9]`, as Django’s) and a fresh `csrftoken`, and answers the user with a `key`. Exempt from the CSRF token check, as a session-establishing request, but not from the Origin check: a foreign or `null` Origin is refused.',
        tags: ['Account'],
        body: LoginRequest,
        response: { 200: LoginResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const companyId = await domain.accounts.companyForHost(request.host)
      const { token, user } = await domain.accounts.login(
        companyId,
        request.body.email,
        request.body.password,
        { address: request.ip },
      )
      setSessionCookies(reply, cookies, cookies.names, token, config.sessionTtlSeconds)
      setCsrfCookie(reply, csrf)
      return { ...presentUser(user), key: sessionKey(token) }
    },
  )

  app.post(
    '/logout/',
    {
      config: { csrfExempt: true },
      schema: {
        summary: 'Log out',
        operationId: 'logOutUser',
        description:
          'Ends the session and clears its cookies. The CSRF token may come in `X-CSRFToken` or, as from a form, in the `csrfmiddlewaretoken` field. Without it the session stays, and the answer is a 403 page with a form carrying the token (`name="csrfmiddlewaretoken" value="…"`), which `@akinon/next` posts back.',
        tags: ['Account'],
      },
    },
    async (request, reply) => {
      checkOrigin(request, csrf)
      if (csrfProblem(request, csrf)) {
        const token = csrfTokenFor(request, reply, csrf)
        return reply
          .status(403)
          .type('text/html; charset=utf-8')
          .send(confirmLogoutPage(request.routeOptions.url ?? '/users/logout/', token))
      }
      const token = sessionTokenOf(request, cookies)
      if (token) await domain.accounts.logout(token)
      clearSessionCookies(reply, cookies.names)
      return reply.status(200).send()
    },
  )
}
