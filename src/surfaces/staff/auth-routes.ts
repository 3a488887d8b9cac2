import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../../config.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { isStaffOrAdmin } from '../../domain/policy/staff.ts'
import { type Principal, userOf } from '../../domain/principal.ts'
import { checkCsrf } from '../drf/csrf.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { csrfTokenFor, setCsrfCookie } from '../http/double-submit.ts'
import { Refusal } from '../http/failures.ts'
import { clearSessionCookies, sessionTokenOf, setSessionCookies } from '../http/session-cookies.ts'
import type { StaffAuthOptions } from './authentication.ts'
import { presentSignedInUser } from './user-presenter.ts'
import { LoginBody, SignedInUser } from './user-schemas.ts'

const STAFF_ONLY = 'Only staff and admin users can sign in to the inbox.'
const NOT_SIGNED_IN = 'Authentication credentials were not provided.'

/** The inbox is staff's: anyone else is refused in this route's own words. */
function requireStaff(user: Pick<Principal, 'isStaff' | 'isSuperuser'>) {
  if (!isStaffOrAdmin(user)) throw new Refusal('forbidden', STAFF_ONLY)
}

const tags = ['Staff sign-in']

/**
 * Signing staff in to the inbox with a session, as Django REST framework's SessionAuthentication beside
 * TokenAuthentication: the session and CSRF cookies are the storefront's, so one sign-in serves both.
 */
export const authRoutes: FastifyPluginAsyncTypebox<{
  domain: Domain
  config: Config
  auth: StaffAuthOptions
}> = async (app, { domain, config, auth }) => {
  // The session-opening and -ending writes are checked whether or not a session came with them: a forged
  // login would sign a victim in as the attacker.
  const csrfChecked = async (request: FastifyRequest) => checkCsrf(request, auth.csrf)

  app.get(
    '/auth/me/',
    {
      config: { anyCaller: true },
      schema: {
        summary: 'The signed-in staff user',
        description:
          'The user of the session (or of the API key). Sets the `csrftoken` cookie (readable by scripts, SameSite=Lax) when the client has none, so a page can echo it in `X-CSRFToken`. 403 when nobody is signed in, or when the session is a customer’s.',
        operationId: 'retrieveSignedInUser',
        tags,
        response: { 200: SignedInUser, 403: DetailResponse },
      },
    },
    async (request, reply) => {
      csrfTokenFor(request, reply, auth.csrf)
      const caller = userOf(request.caller)
      if (!caller) throw new Refusal('forbidden', NOT_SIGNED_IN)
      requireStaff(caller)
      const { user } = await domain.accounts.currentUser(caller)
      return presentSignedInUser(user)
    },
  )

  app.post(
    '/auth/login/',
    {
      config: { anyCaller: true },
      onRequest: csrfChecked,
      schema: {
        summary: 'Sign in',
        description:
          'Opens a session for a staff or admin user: sets `sessionid` (HttpOnly, SameSite=Lax) and a fresh `csrftoken`. Needs `X-CSRFToken` equal to the `csrftoken` cookie (from `GET /api/auth/me/`). A customer’s right credentials are refused with 403 and open no session; failed attempts are throttled (429).',
        operationId: 'signIn',
        tags,
        security: [{ csrfHeader: [] }],
        body: LoginBody,
        response: { 200: SignedInUser, 400: ErrorResponse, 403: DetailResponse, 429: DetailResponse },
      },
    },
    async (request, reply) => {
      const companyId = await domain.accounts.companyForHost(request.host)
      const { token, user } = await domain.accounts.login(
        companyId,
        request.body.email,
        request.body.password,
        { address: request.ip },
        (candidate) => requireStaff(candidate),
      )
      // The session the browser held before, if any, ends: as Django cycles the session key on login.
      const previous = sessionTokenOf(request, auth.cookies)
      if (previous) await domain.accounts.logout(previous)
      const [sessionCookie = 'sessionid'] = auth.cookies.names
      setSessionCookies(reply, auth.cookies, [sessionCookie], token, config.sessionTtlSeconds)
      // A new token for the new session, as Django rotates it on login.
      setCsrfCookie(reply, auth.csrf)
      return presentSignedInUser(user)
    },
  )

  app.post(
    '/auth/logout/',
    {
      config: { anyCaller: true },
      onRequest: csrfChecked,
      schema: {
        summary: 'Sign out',
        description: 'Ends the session (on every instance, with its event streams) and clears its cookie.',
        operationId: 'signOut',
        tags,
        security: [{ cookieAuth: [], csrfHeader: [] }],
        response: { 204: Type.Null({ description: 'Signed out' }), 403: DetailResponse },
      },
    },
    async (request, reply) => {
      const token = sessionTokenOf(request, auth.cookies)
      if (token) await domain.accounts.logout(token)
      clearSessionCookies(reply, auth.cookies.names)
      return reply.status(204).send(null)
    },
  )
}
