import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Refusal } from './failures.ts'

/** The optional `Idempotency-Key` header of a write that may be retried. */
export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'A retry with the same key and body answers as the first request did, writing nothing.',
    }),
  ),
})

/** A retry is the same request when its fields are, whatever their order. */
export const fingerprintOf = (fields: Record<string, unknown>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')

/**
 * The request's idempotency key and the fingerprint of its fields, for a route that reports its schema
 * errors itself (`attachValidation`): a malformed key is refused before anything else. The fields are
 * gathered only for a request that has a key: hashing an uploaded file is work a request without one skips.
 */
export function idempotencyOf(request: FastifyRequest, fields: () => Record<string, unknown>) {
  const validation = request.validationError?.validation
  if (
    validation?.some((error: { instancePath: string }) => error.instancePath.startsWith('/idempotency-key'))
  ) {
    throw new Refusal('validation', 'Invalid Idempotency-Key header.')
  }
  const key = request.headers['idempotency-key']
  return typeof key === 'string' ? { key, fingerprint: fingerprintOf(fields()) } : undefined
}
