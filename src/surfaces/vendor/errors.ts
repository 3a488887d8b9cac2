import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { DomainErrorCode } from '../../domain/errors.ts'
import { classify, type Failure, failureHeaders, logFailure } from '../http/failures.ts'
import { mapKeys, snakeCase } from '../http/naming.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import { worded } from '../http/wording.ts'
import { vendorSchemaWording, vendorWording } from './wording.ts'

type VendorError = { status: number; code: string; message: string; fields?: Record<string, string[]> }

const domainStatus: Record<DomainErrorCode, [number, string]> = {
  validation: [422, 'validation_error'],
  not_found: [404, 'not_found'],
  unauthenticated: [401, 'unauthenticated'],
  forbidden: [403, 'forbidden'],
  conflict: [409, 'conflict'],
  idempotency_mismatch: [422, 'idempotency_key_reused'],
  payload_too_large: [413, 'payload_too_large'],
  unsupported_media_type: [415, 'unsupported_media_type'],
  throttled: [429, 'too_many_requests'],
}

const INVALID = 'The given data was invalid.'

function describe(request: FastifyRequest, failure: Failure): VendorError {
  switch (failure.kind) {
    case 'domain':
    case 'refusal': {
      const error = worded(request, vendorWording, failure)
      const [status, code] = domainStatus[error.code]
      const fields = error.code === 'validation' ? mapKeys(error.fields, snakeCase) : undefined
      return { status, code, message: fields ? INVALID : error.message, fields }
    }
    case 'schema':
      return {
        status: 422,
        code: 'validation_error',
        message: INVALID,
        fields: fieldErrorsFromSchema(failure.errors, vendorSchemaWording),
      }
    case 'malformed':
      return { status: 400, code: 'bad_request', message: failure.detail }
    case 'too_large':
      return { status: 413, code: 'payload_too_large', message: 'Request body is too large.' }
    case 'unsupported_media_type':
      return {
        status: 415,
        code: 'unsupported_media_type',
        message: `Unsupported media type "${failure.contentType}".`,
      }
    case 'throttled':
      return { status: 429, code: 'too_many_requests', message: 'Too many requests.' }
    case 'not_found':
      return { status: 404, code: 'not_found', message: 'Not found.' }
    case 'method_not_allowed':
      return { status: 405, code: 'method_not_allowed', message: `Method ${failure.method} not allowed.` }
    case 'unavailable':
      return { status: 503, code: 'service_unavailable', message: 'Service temporarily unavailable.' }
    case 'internal':
      return { status: 500, code: 'internal_error', message: 'Internal server error.' }
  }
}

/** The vendor dialect: `{"error": {"code", "message", "fields"}}`, validation failures as 422. */
export function vendorErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const failure = classify(error, request.headers['content-type'])
  logFailure(request, failure, error)
  reply.headers(failureHeaders(failure))
  const { status, code, message, fields } = describe(request, failure)
  return reply.status(status).send({ error: fields ? { code, message, fields } : { code, message } })
}

export const vendorNotFound = (_request: FastifyRequest, reply: FastifyReply) =>
  reply.status(404).send({ error: { code: 'not_found', message: 'Not found.' } })
