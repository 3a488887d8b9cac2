import type { FastifySchemaValidationError } from 'fastify'

/**
 * Django REST framework's standard messages for what a schema validator finds, which every surface's clients
 * have read since the first release (the domain's own problems are worded by each surface: see wording.ts).
 */
export const messages = {
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.',
  invalidEmail: 'Enter a valid email address.',
  invalidInteger: 'A valid integer is required.',
  invalidBoolean: 'Must be a valid boolean.',
  invalidString: 'Not a valid string.',
  invalidNumber: 'A valid number is required.',
  invalidDatetime: 'Datetime has wrong format.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  minLength: (min: number) => `Ensure this field has at least ${min} characters.`,
  minValue: (min: number) => `Ensure this value is greater than or equal to ${min}.`,
  maxValue: (max: number) => `Ensure this value is less than or equal to ${max}.`,
  invalidChoice: (value: unknown) => `"${String(value)}" is not a valid choice.`,
  notAList: (type: string) => `Expected a list of items but got type "${type}".`,
  notAnObject: (type: string) => `Invalid data. Expected a dictionary, but got ${type}.`,
  invalid: 'Invalid value.',
}

/** Python's name for a JSON value's type, as Django REST framework puts it in its messages. */
export function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (typeof value === 'string') return 'str'
  return 'dict'
}

/** Django REST framework's refusal of a NUL character, which PostgreSQL text cannot hold. */
export const NULL_CHARACTERS = 'Null characters are not allowed.'

type SchemaError = FastifySchemaValidationError & { data?: unknown }

const fieldOf = (error: SchemaError) => {
  const path = error.instancePath.split('/').filter(Boolean)
  if (error.keyword === 'required') path.push(String(error.params.missingProperty))
  return path[0] ?? 'non_field_errors'
}

function messageOf(error: SchemaError): string {
  const limit = Number(error.params.limit)
  switch (error.keyword) {
    case 'required':
      return messages.required
    case 'nullCharacters':
      return NULL_CHARACTERS
    case 'maxLength':
      return messages.maxLength(limit)
    case 'minLength':
      return limit === 1 ? messages.blank : messages.minLength(limit)
    case 'minimum':
      return messages.minValue(limit)
    case 'maximum':
      return messages.maxValue(limit)
    case 'enum':
      return messages.invalidChoice(error.data)
    case 'format':
      if (error.params.format === 'email') return messages.invalidEmail
      if (error.params.format === 'date-time') return messages.invalidDatetime
      return messages.invalid
    case 'type': {
      const type = String(error.params.type)
      if (error.data === null) return messages.null
      if (type.includes('integer')) return messages.invalidInteger
      if (type.includes('number')) return messages.invalidNumber
      if (type.includes('boolean')) return messages.invalidBoolean
      if (type.includes('string')) return messages.invalidString
      if (type.includes('array')) return messages.notAList(pythonTypeName(error.data))
      if (type.includes('object')) return messages.notAnObject(pythonTypeName(error.data))
      return messages.invalid
    }
    default:
      return messages.invalid
  }
}

/**
 * A schema validator's errors as messages per top-level field, in Django REST framework's wording. A body
 * that is not an object at all is reported against `non_field_errors`.
 */
export function fieldErrorsFromSchema(errors: SchemaError[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {}
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue
    const field = fieldOf(error)
    const message = messageOf(error)
    const list = fields[field] ?? []
    if (!list.includes(message)) list.push(message)
    fields[field] = list
  }
  return fields
}
