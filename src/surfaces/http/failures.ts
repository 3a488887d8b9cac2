import type { FastifyError, FastifyRequest } from 'fastify'
import { DomainError, type DomainErrorCode, Throttled } from '../../domain/errors.ts'
import { MethodNotAllowedError } from './allowed-methods.ts'
import type { SchemaError } from './schema-errors.ts'

/**
 * A refusal a surface words itself (its authentication, its headers, its own parsing): the domain's code
 * sets the status as for a domain error, the text is already the surface's.
 */
export class Refusal extends Error {
  readonly code: DomainErrorCode
  readonly fields: Readonly<Record<string, string[]>>

  constructor(code: DomainErrorCode, message: string, fields: Record<string, string[]> = {}) {
    super(message)
    this.code = code
    this.fields = fields
  }
}

/**
 * Every way a request can fail, before any surface words it: a surface's error handler turns a failure into
 * its own status and body in one place, and 5xx details never leave the server.
 */
export type Failure =
  | { kind: 'domain'; error: DomainError }
  | { kind: 'refusal'; error: Refusal }
  | { kind: 'schema'; errors: SchemaError[] }
  | { kind: 'malformed'; detail: string }
  | { kind: 'too_large' }
  | { kind: 'unsupported_media_type'; contentType: string }
  | { kind: 'throttled'; retryAfterSeconds: number; rule: string; client: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; method: string; allow: string[] }
  | { kind: 'unavailable' }
  | { kind: 'internal' }

// SQLSTATE classes and codes of a lost or refused database connection: 08 (connection exception), 57P01-57P03
// (the server terminated the backend, is shutting down, or cannot accept connections yet).
const LOST_SQLSTATE = /^(08...|57P0[1-3])$/
// node-postgres reports a connection that dropped under it by message, with no code.
const LOST_MESSAGE =
  /^Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/
const LOST_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

/**
 * The database connection was lost or refused (a restart, a failover, `pg_terminate_backend`): the request may
 * be retried, so it is a 503, not a 500. Drizzle wraps the driver's error as its cause.
 */
function isConnectionLoss(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const { code } = cause as { code?: unknown }
    if (typeof code === 'string' && (LOST_SQLSTATE.test(code) || LOST_ERRNO.has(code))) return true
    if (LOST_MESSAGE.test(cause.message)) return true
    cause = cause.cause
  }
  return false
}

/** The headers a failure answers with, whichever surface words it. */
export function failureHeaders(failure: Failure): Record<string, string> {
  if (failure.kind === 'throttled') return { 'retry-after': String(failure.retryAfterSeconds) }
  if (failure.kind === 'method_not_allowed') return { allow: failure.allow.join(', ') }
  if (failure.kind === 'unavailable') return { 'retry-after': '1' }
  return {}
}

export function classify(error: unknown, contentType: string | undefined): Failure {
  if (error instanceof Throttled) {
    const { retryAfterSeconds, rule, client } = error
    return { kind: 'throttled', retryAfterSeconds, rule, client }
  }
  if (error instanceof DomainError) return { kind: 'domain', error }
  if (error instanceof Refusal) return { kind: 'refusal', error }
  if (error instanceof MethodNotAllowedError)
    return { kind: 'method_not_allowed', method: error.method, allow: error.allow }
  const fastifyError = error as Partial<FastifyError>
  if (isConnectionLoss(error)) return { kind: 'unavailable' }
  if (fastifyError.validation) return { kind: 'schema', errors: fastifyError.validation }
  const status = fastifyError.statusCode ?? 500
  if (status === 413) return { kind: 'too_large' }
  if (status === 415) return { kind: 'unsupported_media_type', contentType: contentType ?? '' }
  if (status === 404) return { kind: 'not_found' }
  if (status >= 400 && status < 500) {
    return { kind: 'malformed', detail: fastifyError.message ?? 'Malformed request.' }
  }
  return { kind: 'internal' }
}

/**
 * Logs what an operator must hear of: a failure of the server's own, a database out of reach, and a client
 * held back by a throttle.
 */
export function logFailure(request: FastifyRequest, failure: Failure, error: unknown) {
  if (failure.kind === 'internal') request.log.error({ err: error }, 'request failed')
  if (failure.kind === 'unavailable') request.log.warn({ err: error }, 'database unavailable')
  if (failure.kind === 'throttled') {
    const { rule, client, retryAfterSeconds } = failure
    request.log.warn({ throttle: rule, client, retryAfterSeconds }, 'request throttled')
  }
}
