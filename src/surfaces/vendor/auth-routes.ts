import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Config } from '../../config.ts'
import type { User } from '../../domain/accounts/users-repository.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { type CsrfOptions, setCsrfCookie } from '../http/double-submit.ts'
import { nullable } from '../http/nullable.ts'
import {
  clearSessionCookies,
  type SessionCookies,
  sessionTokenOf,
  setSessionCookies,
} from '../http/session-cookies.ts'
import { checkVendorOrigin } from './session.ts'

const VendorUser = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  display_name: Type.String(),
  avatar_url: nullable(Type.String()),
  city_id: nullable(Type.Integer()),
  created_at: Type.String({ format: 'date-time' }),
})

const presentVendorUser = (user: User) => ({
  id: user.id,
  email: user.email,
  display_name: user.displayName || `${user.firstName} ${user.lastName}`.trim(),
  avatar_url: user.avatarUrl,
  city_id: user.cityId,
  created_at: user.createdAt.toISOString(),
})

export const authRoutes: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  cookies: SessionCookies
  csrf: CsrfOptions
}> = async (app, { domain, config, cookies, csrf }) => {
  // The vendor surface sets only its own session cookie; it still reads the storefront's.
  const ownCookie = [config.cookies.vendorSession]

  app.post(
    '/auth/login',
    {
      config: { csrfExempt: true },
      // Before the body is validated: a cross-site sign-in is refused for its Origin whatever it sends.
      onRequest: async (request) => checkVendorOrigin(request, csrf),
      schema: {
        summary: 'Log in',
        operationId: 'logInVendor',
        description:
          'Opens a session: sets the `PARTIZAP_SESSION` cookie (HttpOnly, SameSite=Lax) and a fresh `CSRF_TOKEN` cookie. Session-establishing, so it needs no CSRF token (security: []).',
        tags: ['Vendor auth'],
        security: [],
        body: Type.Object({ email: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) }),
        response: { 200: Type.Object({ data: VendorUser }) },
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
      setSessionCookies(reply, cookies, ownCookie, token, config.sessionTtlSeconds)
      setCsrfCookie(reply, csrf)
      return { data: presentVendorUser(user) }
    },
  )

  app.post(
    '/auth/logout',
    {
      schema: {
        summary: 'Log out',
        operationId: 'logOutVendor',
        description: 'Ends the session and clears the session cookie. Needs the CSRF header.',
        tags: ['Vendor auth'],
      },
    },
    async (request, reply) => {
      const token = sessionTokenOf(request, cookies)
      if (token) await domain.accounts.logout(token)
      clearSessionCookies(reply, ownCookie)
      return reply.status(204).send()
    },
  )
}
