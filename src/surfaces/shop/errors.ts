import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { DomainErrorCode } from '../../domain/errors.ts'
import { classify, type Failure, failureHeaders, logFailure } from '../http/failures.ts'
import { camelCase, mapKeys } from '../http/naming.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import { worded } from '../http/wording.ts'
import { shopSchemaWording, shopWording } from './wording.ts'

/** Where a client reads about an error; the reference pages of this server. */
const DOCUMENTATION_URL = '/docs'

type ShopError = { status: number; code: string; message: string; data: unknown }

const domainStatus: Record<DomainErrorCode, [number, string]> = {
  validation: [400, 'validation_error'],
  not_found: [404, 'not_found'],
  unauthenticated: [401, 'unauthorized'],
  forbidden: [403, 'forbidden'],
  conflict: [409, 'conflict'],
  idempotency_mismatch: [422, 'idempotency_key_reused'],
  payload_too_large: [413, 'payload_too_large'],
  unsupported_media_type: [415, 'unsupported_media_type'],
  throttled: [429, 'rate_limited'],
}

function describe(request: FastifyRequest, failure: Failure): ShopError {
  switch (failure.kind) {
    case 'domain':
    case 'refusal': {
      const error = worded(request, shopWording, failure)
      const [status, code] = domainStatus[error.code]
      const invalid = error.code === 'validation'
      const fields = mapKeys(error.fields, camelCase)
      return { status, code, message: error.message, data: invalid ? { fields } : null }
    }
    case 'schema': {
      const fields = mapKeys(fieldErrorsFromSchema(failure.errors, shopSchemaWording), camelCase)
      const message = Object.entries(fields)
        .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
        .join('; ')
      return { status: 400, code: 'validation_error', message, data: { fields } }
    }
    case 'malformed':
      return { status: 400, code: 'bad_request', message: failure.detail, data: null }
    case 'too_large':
      return { status: 413, code: 'payload_too_large', message: 'Request body is too large.', data: null }
    case 'unsupported_media_type':
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: `Unsupported media type "${failure.contentType}"; send application/json.`,
        data: null,
      }
    case 'throttled':
      return { status: 429, code: 'rate_limited', message: 'Too many requests.', data: null }
    case 'not_found':
      return { status: 404, code: 'not_found', message: 'Not found.', data: null }
    case 'method_not_allowed':
      return {
        status: 405,
        code: 'method_not_allowed',
        message: `Method ${failure.method} not allowed.`,
        data: null,
      }
    case 'unavailable':
      return {
        status: 503,
        code: 'service_unavailable',
        message: 'Service temporarily unavailable.',
        data: null,
      }
    case 'internal':
      return { status: 500, code: 'internal_error', message: 'Internal server error.', data: null }
  }
}

/** The shop dialect: `{"success": false, "code", "message", "documentation_url", "data"}` with a 4xx or 5xx. */
export function shopErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const failure = classify(error, request.headers['content-type'])
  logFailure(request, failure, error)
  reply.headers(failureHeaders(failure))
  const { status, code, message, data } = describe(request, failure)
  return reply
    .status(status)
    .send({ success: false, code, message, documentation_url: DOCUMENTATION_URL, data })
}

export const shopNotFound = (_request: FastifyRequest, reply: FastifyReply) =>
  reply.status(404).send({
    success: false,
    code: 'not_found',
    message: 'Not found.',
    documentation_url: DOCUMENTATION_URL,
    data: null,
  })
