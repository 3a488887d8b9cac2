import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { ErrorResponse } from '../drf/schemas.ts'
import {
  clearSessionCookies,
  type SessionCookies,
  sessionTokenOf,
  setSessionCookies,
} from '../http/session-cookies.ts'
import { type CsrfOptions, checkOrigin, setCsrfCookie } from './csrf.ts'
import { presentUser } from './presenters.ts'
import { LoginRequest, StorefrontUser } from './schemas.ts'

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
      schema: {
        summary: 'Log in',
        security: [],
        description:
          'Opens a session: sets `sessionid` and `osessionid` (HttpOnly) and a fresh `csrftoken`. Exempt from the CSRF token check, as a session-establishing request, but not from the Origin check.',
        tags: ['Account'],
        body: LoginRequest,
        response: { 200: StorefrontUser, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      checkOrigin(request, csrf)
      const companyId = await domain.accounts.companyForHost(request.host)
      const { token, user } = await domain.accounts.login(
        companyId,
        request.body.email,
        request.body.password,
        { address: request.ip },
      )
      setSessionCookies(reply, cookies, cookies.names, token, config.sessionTtlSeconds)
      setCsrfCookie(reply, csrf)
      return presentUser(user)
    },
  )

  app.post(
    '/logout/',
    {
      schema: {
        summary: 'Log out',
        description: 'Ends the session and clears its cookies.',
        tags: ['Account'],
      },
    },
    async (request, reply) => {
      const token = sessionTokenOf(request, cookies)
      if (token) await domain.accounts.logout(token)
      clearSessionCookies(reply, cookies.names)
      return reply.status(200).send()
    },
  )
}
