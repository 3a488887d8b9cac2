import type { FastifySchemaValidationError } from 'fastify'

/**
 * What a schema validator can find wrong with a field, for each surface to word its own way (the surfaces'
 * wording.ts). `notAList` and `notAnObject` get the value that was sent instead.
 */
export type SchemaWording = {
  required: string
  blank: string
  null: string
  nullCharacters: string
  invalidEmail: string
  invalidInteger: string
  invalidBoolean: string
  invalidString: string
  invalidNumber: string
  invalidDatetime: string
  invalid: string
  maxLength: (max: number) => string
  minLength: (min: number) => string
  minValue: (min: number) => string
  maxValue: (max: number) => string
  invalidChoice: (value: unknown) => string
  notAList: (value: unknown) => string
  notAnObject: (value: unknown) => string
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

export type SchemaError = FastifySchemaValidationError & { data?: unknown }

const fieldOf = (error: SchemaError) => {
  const path = error.instancePath.split('/').filter(Boolean)
  if (error.keyword === 'required') path.push(String(error.params.missingProperty))
  return path[0] ?? 'non_field_errors'
}

function messageOf(error: SchemaError, messages: SchemaWording): string {
  const limit = Number(error.params.limit)
  switch (error.keyword) {
    case 'required':
      return messages.required
    case 'nullCharacters':
      return messages.nullCharacters
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
      if (type.includes('array')) return messages.notAList(error.data)
      if (type.includes('object')) return messages.notAnObject(error.data)
      return messages.invalid
    }
    default:
      return messages.invalid
  }
}

/**
 * A schema validator's errors as messages per top-level field, in a surface's wording. A body that is not an
 * object at all is reported against `non_field_errors`, as Django REST framework does.
 */
export function fieldErrorsFromSchema(
  errors: SchemaError[],
  wording: SchemaWording,
): Record<string, string[]> {
  const fields: Record<string, string[]> = {}
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf' || error.keyword === 'if') continue
    const field = fieldOf(error)
    const message = messageOf(error, wording)
    const list = fields[field] ?? []
    if (!list.includes(message)) list.push(message)
    fields[field] = list
  }
  return fields
}
