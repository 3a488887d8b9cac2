import type { FastifyError } from 'fastify'
import { DomainError } from '../../domain/errors.ts'
import { fieldErrorsFromSchema } from './schema-errors.ts'

/**
 * Every way a request can fail, before any surface words it: a surface's error handler turns a failure into
 * its own status and body in one place, and 5xx details never leave the server.
 */
export type Failure =
  | { kind: 'domain'; error: DomainError }
  | { kind: 'schema'; fields: Record<string, string[]> }
  | { kind: 'malformed'; detail: string }
  | { kind: 'too_large' }
  | { kind: 'unsupported_media_type'; contentType: string }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; method: string }
  | { kind: 'internal' }

/** Raised by the rate limiter, so that each surface words a 429 itself. */
export class ThrottledError extends Error {
  readonly statusCode = 429
  readonly retryAfterSeconds: number
  constructor(retryAfterSeconds: number) {
    super('Request was throttled.')
    this.retryAfterSeconds = retryAfterSeconds
  }
}

export function classify(error: unknown, contentType: string | undefined): Failure {
  if (error instanceof DomainError) return { kind: 'domain', error }
  if (error instanceof ThrottledError)
    return { kind: 'throttled', retryAfterSeconds: error.retryAfterSeconds }
  const fastifyError = error as Partial<FastifyError>
  if (fastifyError.validation)
    return { kind: 'schema', fields: fieldErrorsFromSchema(fastifyError.validation) }
  const status = fastifyError.statusCode ?? 500
  if (status === 413) return { kind: 'too_large' }
  if (status === 415) return { kind: 'unsupported_media_type', contentType: contentType ?? '' }
  if (status === 404) return { kind: 'not_found' }
  if (status >= 400 && status < 500) {
    return { kind: 'malformed', detail: fastifyError.message ?? 'Malformed request.' }
  }
  return { kind: 'internal' }
}
