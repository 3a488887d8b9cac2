import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { newToken } from '../../domain/accounts/secrets.ts'
import { DomainError } from '../../domain/errors.ts'

export type CsrfOptions = {
  cookie: string
  header: string
  trustedOrigins: string[]
  secure: boolean
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const refuse = (reason: string) => new DomainError('forbidden', `CSRF Failed: ${reason}`)

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** Django's spelling of a header name in its CSRF messages: `X-CSRFToken` becomes `X-Csrftoken`. */
const djangoHeaderName = (name: string) =>
  name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('-')

export function setCsrfCookie(reply: FastifyReply, options: CsrfOptions, token = newToken(24)) {
  reply.setCookie(options.cookie, token, {
    path: '/',
    sameSite: 'lax',
    secure: options.secure,
    httpOnly: false,
  })
  return token
}

/** Refuses a cross-site `Origin`: one that is neither this host nor a trusted origin. */
export function checkOrigin(request: FastifyRequest, options: CsrfOptions) {
  const origin = request.headers.origin
  if (origin === undefined || origin === 'null') return
  const own = `${request.protocol}://${request.host}`
  if (origin !== own && !options.trustedOrigins.includes(origin)) {
    throw refuse(`Origin checking failed - ${origin} does not match any trusted origins.`)
  }
}

/**
 * Double-submit CSRF protection as Django words it: an unsafe request must echo the CSRF cookie in the CSRF
 * header. Requests authenticated by an `Authorization` header carry no ambient credential and are exempt.
 */
export function checkCsrf(request: FastifyRequest, options: CsrfOptions) {
  if (!UNSAFE.has(request.method) || request.headers.authorization !== undefined) return
  checkOrigin(request, options)
  const cookie = request.cookies[options.cookie]
  if (!cookie) throw refuse('CSRF cookie not set.')
  const header = request.headers[options.header]
  if (typeof header !== 'string' || header === '') throw refuse('CSRF token missing.')
  if (!sameToken(header, cookie)) {
    throw refuse(`CSRF token from the '${djangoHeaderName(options.header)}' HTTP header incorrect.`)
  }
}
