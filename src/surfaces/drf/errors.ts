import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { type DomainErrorCode, ItemErrors, NON_FIELD } from '../../domain/errors.ts'
import { classify, type Failure, failureHeaders, logFailure, Refusal } from '../http/failures.ts'
import { mapKeys, snakeCase } from '../http/naming.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import { word, worded } from '../http/wording.ts'
import { drfSchemaWording, drfWording } from './wording.ts'

/** A batch's problems found by a surface's own parsing, one error object per item, as ItemErrors words them. */
export class BatchRefusal extends Refusal {
  readonly items: ReadonlyArray<Readonly<Record<string, string[]>>>

  constructor(items: Record<string, string[]>[]) {
    super('validation', 'Invalid input.')
    this.items = items
  }
}

const statusOf: Record<DomainErrorCode, number> = {
  validation: 400,
  not_found: 404,
  unauthenticated: 401,
  forbidden: 403,
  conflict: 409,
  idempotency_mismatch: 422,
  payload_too_large: 413,
  unsupported_media_type: 415,
  throttled: 429,
}

/** A failure as Django REST framework words it: field errors, or `{"detail": "..."}`. */
function render(
  request: FastifyRequest,
  failure: Failure,
  unauthenticatedStatus: number,
): { status: number; body: unknown } {
  switch (failure.kind) {
    case 'domain':
    case 'refusal': {
      if (failure.error instanceof BatchRefusal) {
        return { status: 400, body: failure.error.items.map((item) => mapKeys(item, snakeCase)) }
      }
      if (failure.error instanceof ItemErrors) {
        const items = failure.error.items.map((item) =>
          Object.fromEntries(
            Object.entries(item).map(([field, problems]) => [
              field,
              problems.map((problem) => word(drfWording, problem)),
            ]),
          ),
        )
        return { status: 400, body: items.map((item) => mapKeys(item, snakeCase)) }
      }
      const error = worded(request, drfWording, failure)
      if (error.code === 'validation') {
        const fields = Object.keys(error.fields).length > 0 ? error.fields : { [NON_FIELD]: [error.message] }
        return { status: 400, body: mapKeys(fields, snakeCase) }
      }
      const status = error.code === 'unauthenticated' ? unauthenticatedStatus : statusOf[error.code]
      return { status, body: { detail: error.message } }
    }
    case 'schema':
      return { status: 400, body: fieldErrorsFromSchema(failure.errors, drfSchemaWording) }
    case 'malformed':
      return { status: 400, body: { detail: failure.detail } }
    case 'too_large':
      return { status: 413, body: { detail: 'Request body is too large.' } }
    case 'unsupported_media_type':
      return { status: 415, body: { detail: `Unsupported media type "${failure.contentType}" in request.` } }
    case 'throttled':
      return {
        status: 429,
        body: {
          // DRF's own ngettext: "1 second", "2 seconds".
          detail: `Request was throttled. Expected available in ${failure.retryAfterSeconds} second${failure.retryAfterSeconds === 1 ? '' : 's'}.`,
        },
      }
    case 'not_found':
      return { status: 404, body: { detail: 'Not found.' } }
    case 'method_not_allowed':
      return { status: 405, body: { detail: `Method "${failure.method}" not allowed.` } }
    case 'unavailable':
      // DRF's ServiceUnavailable.
      return { status: 503, body: { detail: 'Service temporarily unavailable, try again later.' } }
    case 'internal':
      return { status: 500, body: { detail: 'A server error occurred.' } }
  }
}

/**
 * The error handler of a surface in Django REST framework's dialect. Session-authenticated surfaces answer a
 * missing login with 403, as DRF does when no authenticator offers a challenge; token surfaces with 401.
 */
export function drfErrorHandler(options: { unauthenticatedStatus: 401 | 403; challenge?: string }) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const failure = classify(error, request.headers['content-type'])
    logFailure(request, failure, error)
    reply.headers(failureHeaders(failure))
    const { status, body } = render(request, failure, options.unauthenticatedStatus)
    if (status === 401 && options.challenge) reply.header('www-authenticate', options.challenge)
    return reply.status(status).send(body)
  }
}
