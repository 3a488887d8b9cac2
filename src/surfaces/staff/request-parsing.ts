import type { FastifyRequest } from 'fastify'
import { type FieldProblems, notFound } from '../../domain/errors.ts'
import { drfSchemaWording } from '../drf/wording.ts'
import { Refusal } from '../http/failures.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import { refuseFields } from '../http/wording.ts'

/** A path id; anything that is not one names no object, so it is a 404 as for a missing one. */
export function idOf(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw notFound()
  return Number(raw)
}

/**
 * The body's schema problems, kept for the error handler to report together with the domain's checks; the
 * fields they name, for the domain call (see refuseFields).
 */
export const schemaErrorsOf = (request: FastifyRequest): FieldProblems =>
  refuseFields(
    request,
    request.validationError?.validation
      ? fieldErrorsFromSchema(request.validationError.validation, drfSchemaWording)
      : {},
  )

/** Only the body fields that passed the schema, so the domain never sees a value of the wrong type. */
export function validFields<T extends object>(body: unknown, errors: FieldProblems): Partial<T> {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !(name in errors))) as Partial<T>
}

/** django-filter's reading of a boolean: `true`/`false`/`1`/`0`; anything else filters nothing. */
export function booleanFilter(value: string | undefined): boolean | undefined {
  return ({ true: true, '1': true, false: false, '0': false } as Record<string, boolean>)[
    value?.toLowerCase() ?? ''
  ]
}

/** An id filter; anything that is not an id filters nothing. */
export const idFilter = (value: string | undefined): number | undefined =>
  value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined

/** An assignee filter: a user id, or `none` for nobody; anything else filters nothing. */
export const assigneeFilter = (value: string | undefined): number | 'none' | undefined =>
  value === 'none' ? 'none' : idFilter(value)

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i

/** An ISO 8601 date or date-time filter value; one without a zone is UTC. */
export function dateTimeFilter(
  filters: Record<string, string | undefined>,
  names: string[],
): Date | undefined {
  for (const name of names) {
    const value = filters[name]
    if (value === undefined || value === '') continue
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(value) || !value.includes(':') ? value : `${value}Z`
    const date = ISO_DATE_TIME.test(value) ? new Date(zoned.replace(' ', 'T')) : new Date(Number.NaN)
    if (Number.isNaN(date.getTime())) {
      throw new Refusal('validation', drfSchemaWording.invalidDatetime, {
        [name]: ['Enter a valid date/time.'],
      })
    }
    return date
  }
  return undefined
}
