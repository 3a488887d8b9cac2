import type { FastifyRequest } from 'fastify'
import { fieldErrorsFromSchema, pythonTypeName } from '../http/schema-errors.ts'
import { drfSchemaWording } from './wording.ts'

type PropertySchema = { type?: string; format?: string; minLength?: number }
type ObjectSchema = { properties: Record<string, PropertySchema>; required?: string[] }

const NOT_A_FILE = 'The submitted data was not a file. Check the encoding type on the form.'
const incorrectPk = (value: unknown) =>
  `Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`

/** One field as DRF reads it before validating: the value to validate, `undefined` for none, or a problem. */
function prepareField(
  value: unknown,
  property: PropertySchema,
  isRelation: boolean,
  isRequired: boolean,
): { value?: unknown } | { problem: string } {
  if (property.format === 'binary') return { problem: NOT_A_FILE }
  // A relation given as an empty string means none, as an empty <select> posts it.
  const given = isRelation && value === '' ? null : value
  if (given === null) return isRelation && !isRequired ? {} : { problem: drfSchemaWording.null }
  if (isRelation) {
    if (typeof given === 'string' && /^\s*-?\d+\s*$/.test(given)) return { value: Number(given) }
    return Number.isInteger(given) ? { value: given } : { problem: incorrectPk(given) }
  }
  if (property.type === 'string') {
    if (typeof given !== 'string' && typeof given !== 'number')
      return { problem: drfSchemaWording.invalidString }
    const trimmed = String(given).trim()
    if (trimmed === '' && (property.minLength ?? 0) > 0) return { problem: drfSchemaWording.blank }
    return { value: trimmed }
  }
  return { value: given }
}

const prepared = new WeakMap<FastifyRequest, Record<string, string[]>>()

/**
 * A `preValidation` hook that reads a form's fields as Django REST framework does before a JSON Schema
 * validator (which coerces types) sees them: `null` is refused instead of becoming 0 or "", strings are
 * trimmed, an optional relation given as "" or `null` is absent, a relation's id of the wrong type and a file
 * field sent as text are worded as DRF words them. A field with a problem leaves the body, so the validator
 * says nothing more about it; `formErrors` returns both sets of problems.
 */
export function drfForm(schema: ObjectSchema, options: { relations: string[] }) {
  return async (request: FastifyRequest) => {
    request.body ??= {}
    const body = request.body
    if (typeof body !== 'object' || Array.isArray(body)) return
    const fields = body as Record<string, unknown>
    const problems: Record<string, string[]> = {}
    for (const [name, property] of Object.entries(schema.properties)) {
      if (!(name in fields)) continue
      const isRequired = schema.required?.includes(name) ?? false
      const result = prepareField(fields[name], property, options.relations.includes(name), isRequired)
      if ('problem' in result) problems[name] = [result.problem]
      if ('value' in result) fields[name] = result.value
      else delete fields[name]
    }
    prepared.set(request, problems)
  }
}

/** Every problem with a form prepared by `drfForm`: its own, then the validator's about the other fields. */
export function formErrors(request: FastifyRequest): Record<string, string[]> {
  const own = prepared.get(request) ?? {}
  const validation = request.validationError?.validation
  const fromSchema = validation ? fieldErrorsFromSchema(validation, drfSchemaWording) : {}
  return { ...Object.fromEntries(Object.entries(fromSchema).filter(([field]) => !(field in own))), ...own }
}
