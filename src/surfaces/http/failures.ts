import type { FastifyError, FastifyRequest } from 'fastify'
import { DomainError, Throttled } from '../../domain/errors.ts'
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
  | { kind: 'throttled'; retryAfterSeconds: number; rule: string; client: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; method: string }
  | { kind: 'internal' }

export function classify(error: unknown, contentType: string | undefined): Failure {
  if (error instanceof Throttled) {
    const { retryAfterSeconds, rule, client } = error
    return { kind: 'throttled', retryAfterSeconds, rule, client }
  }
  if (error instanceof DomainError) return { kind: 'domain', error }
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

/** Logs what an operator must hear of: a failure of the server's own, and a client held back by a throttle. */
export function logFailure(request: FastifyRequest, failure: Failure, error: unknown) {
  if (failure.kind === 'internal') request.log.error({ err: error }, 'request failed')
  if (failure.kind === 'throttled') {
    const { rule, client, retryAfterSeconds } = failure
    request.log.warn({ throttle: rule, client, retryAfterSeconds }, 'request throttled')
  }
}
