import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { newToken } from '../../domain/accounts/secrets.ts'

/** A surface's CSRF cookie and header names, and the origins besides its own allowed to write. */
export type CsrfOptions = {
  cookie: string
  header: string
  trustedOrigins: string[]
  secure: boolean
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

export function setCsrfCookie(reply: FastifyReply, options: CsrfOptions, token = newToken(24)) {
  reply.setCookie(options.cookie, token, {
    path: '/',
    sameSite: 'lax',
    secure: options.secure,
    httpOnly: false,
  })
  return token
}

/** A cross-site `Origin`: one that is neither this host nor a trusted origin. */
export function originProblem(request: FastifyRequest, options: CsrfOptions): CsrfProblem | undefined {
  const origin = request.headers.origin
  if (origin === undefined || origin === 'null') return undefined
  const own = `${request.protocol}://${request.host}`
  return origin === own || options.trustedOrigins.includes(origin)
    ? undefined
    : { kind: 'foreign_origin', origin }
}

/**
 * Double-submit CSRF protection: an unsafe request must echo the CSRF cookie in the CSRF header. Requests
 * authenticated by an `Authorization` header carry no ambient credential and are exempt.
 */
export function csrfProblem(request: FastifyRequest, options: CsrfOptions): CsrfProblem | undefined {
  if (!UNSAFE.has(request.method) || request.headers.authorization !== undefined) return undefined
  const foreign = originProblem(request, options)
  if (foreign) return foreign
  const cookie = request.cookies[options.cookie]
  if (!cookie) return { kind: 'no_cookie' }
  const header = request.headers[options.header]
  if (typeof header !== 'string' || header === '') return { kind: 'no_header' }
  return sameToken(header, cookie) ? undefined : { kind: 'mismatch' }
}
