import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { newCsrfToken } from '../../domain/accounts/secrets.ts'

/** A surface's CSRF cookie and header names, and the origins besides its own allowed to write. */
export type CsrfOptions = {
  cookie: string
  header: string
  trustedOrigins: string[]
  /** `auto`: Secure when the request came over HTTPS. */
  secure: boolean | 'auto'
}

/** Why a write was refused, before a surface words it. */
export type CsrfProblem =
  | { kind: 'foreign_origin'; origin: string }
  | { kind: 'no_cookie' }
  | { kind: 'no_header' }
  | { kind: 'mismatch' }

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export function setCsrfCookie(reply: FastifyReply, options: CsrfOptions, token = newCsrfToken()) {
  reply.setCookie(options.cookie, token, {
    path: '/',
    sameSite: 'lax',
    secure: options.secure,
    httpOnly: false,
  })
  return token
}

/** The token a client already holds in its cookie, else a fresh one set on this reply. */
export function csrfTokenFor(request: FastifyRequest, reply: FastifyReply, options: CsrfOptions) {
  const held = request.cookies[options.cookie]
  return held && ALPHANUMERIC.test(held) ? held : setCsrfCookie(reply, options)
}

const ALPHANUMERIC = /^[a-zA-Z0-9]+$/

/**
 * A cross-site `Origin`: one that is neither this host nor a trusted origin. `null`, which a sandboxed frame
 * or a cross-site redirect sends, is no origin of ours either, as Django's middleware holds.
 */
export function originProblem(request: FastifyRequest, options: CsrfOptions): CsrfProblem | undefined {
  const origin = request.headers.origin
  if (origin === undefined) return undefined
  const own = `${request.protocol}://${request.host}`
  return origin === own || options.trustedOrigins.includes(origin)
    ? undefined
    : { kind: 'foreign_origin', origin }
}

/** The form field Django's middleware also reads the token from, when no header carries it. */
export const FORM_TOKEN_FIELD = 'csrfmiddlewaretoken'
const FORM_BODY = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * An unsafe form post without the CSRF header may carry the token in its body, which is only read after
 * the request hooks: its check waits for the body (a surface's `preValidation`); every other is checked at once.
 */
export const awaitsFormToken = (request: FastifyRequest, options: CsrfOptions) =>
  UNSAFE.has(request.method) &&
  request.headers[options.header] === undefined &&
  FORM_BODY.test(request.headers['content-type'] ?? '')

function submittedToken(request: FastifyRequest, options: CsrfOptions) {
  const header = request.headers[options.header]
  if (typeof header === 'string' && header !== '') return header
  const body = request.body as Record<string, unknown> | null | undefined
  const field = typeof body === 'object' && body !== null ? body[FORM_TOKEN_FIELD] : undefined
  return typeof field === 'string' && field !== '' ? field : undefined
}

/**
 * Double-submit CSRF protection: an unsafe request must echo the CSRF cookie in the CSRF header (or, for a
 * form, in its `csrfmiddlewaretoken` field). Only a surface knows whether a request was authenticated by its
 * `Authorization` header (no ambient credential, so exempt); the mere presence of one is no exemption, or a
 * junk header would carry a cookie session past.
 */
export function csrfProblem(request: FastifyRequest, options: CsrfOptions): CsrfProblem | undefined {
  if (!UNSAFE.has(request.method)) return undefined
  const foreign = originProblem(request, options)
  if (foreign) return foreign
  const cookie = request.cookies[options.cookie]
  if (!cookie) return { kind: 'no_cookie' }
  const token = submittedToken(request, options)
  if (token === undefined) return { kind: 'no_header' }
  return sameToken(token, cookie) ? undefined : { kind: 'mismatch' }
}

/** The form's token field is the middleware's, not the route's: it is taken out before the body is validated. */
export function dropFormToken(request: FastifyRequest) {
  const body = request.body as Record<string, unknown> | null | undefined
  if (typeof body === 'object' && body !== null) delete body[FORM_TOKEN_FIELD]
}
