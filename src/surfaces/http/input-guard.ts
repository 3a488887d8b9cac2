import { AjvCompiler } from '@fastify/ajv-compiler'
import type { FastifyServerOptions } from 'fastify'
import { type TNumberOptions, Type } from 'typebox'

/** The range of PostgreSQL's `integer`, which an integer field holds unless its schema says otherwise. */
export const INT32 = { min: -2_147_483_648, max: 2_147_483_647 }

/**
 * Ids are `bigint` in SQL and numbers in JavaScript, which hold integers exactly up to 2^53 - 1: a schema
 * marks an id with `format: 'int64'`, and a larger one is refused rather than rounded to another id.
 */
export const INT64_ID = { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }

/** An integer naming a row by its id. */
export const IdInteger = (options: TNumberOptions = {}) => Type.Integer({ ...options, format: 'int64' })

/** An input's problem in the validator's own terms, so that each surface words it as any schema error. */
export type InputProblem = {
  keyword: string
  instancePath: string
  schemaPath: string
  params: Record<string, unknown>
  message: string
  data: unknown
}

type Schema = {
  type?: string | string[]
  format?: string
  minimum?: number
  maximum?: number
  properties?: Record<string, Schema>
  additionalProperties?: Schema | boolean
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
}

const typesOf = (schema: Schema | undefined): string[] => {
  if (!schema) return []
  const own = schema.type === undefined ? [] : [schema.type].flat()
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap(typesOf)
  return [...own, ...branches]
}

const subSchemas = (schema: Schema): Schema[] => [
  ...Object.values(schema.properties ?? {}),
  ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
  ...(schema.items ? [schema.items] : []),
  ...(schema.anyOf ?? []),
  ...(schema.oneOf ?? []),
  ...(schema.allOf ?? []),
]

/**
 * Gives every integer of a request schema the range of the column it ends in, unless it names its own: a
 * number the database cannot hold is a field error, and the OpenAPI document shows the range.
 */
export function boundIntegers(schema: Schema, seen = new Set<Schema>()): void {
  if (seen.has(schema)) return
  seen.add(schema)
  if (typesOf({ type: schema.type }).includes('integer')) {
    const range = schema.format === 'int64' ? INT64_ID : INT32
    schema.maximum ??= range.max
    schema.minimum ??= range.min
  }
  for (const sub of subSchemas(schema)) boundIntegers(sub, seen)
}

// Django REST framework's IntegerField reads a string as an integer when `int()` would, after dropping `.0`.
const DRF_INTEGER = /^\s*[+-]?\d+(\.0*)?\s*$/

const MAX_DEPTH = 64

const messages: Record<string, string> = {
  nullCharacters: 'must not contain null characters',
  nesting: `must not nest deeper than ${MAX_DEPTH} levels`,
}

const problem = (keyword: string, path: string, data: unknown, params: Record<string, unknown> = {}) => ({
  keyword,
  instancePath: path,
  schemaPath: '#',
  params,
  message: messages[keyword] ?? `must be ${params.type}`,
  data,
})

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * What the JSON Schema validator would let through or change silently, found before it coerces: a NUL
 * character anywhere (PostgreSQL text cannot hold one), a boolean, a fraction or a non-integral string
 * where an integer is expected (the validator would make `true` the id 1), a boolean where a string is, and
 * `null` where the schema does not allow it (the validator would make it 0, "" or false). A value nested
 * deeper than any request needs is refused whole.
 */
export function inputProblems(
  data: unknown,
  schema: Schema | undefined,
  path = '',
  depth = 0,
): InputProblem[] {
  // No request of these APIs nests this deep; walking further could only exhaust the stack.
  if (depth > MAX_DEPTH) return [problem('nesting', path, undefined)]
  if (typeof data === 'string') {
    if (data.includes('\u0000')) return [problem('nullCharacters', path, data)]
    const types = typesOf(schema)
    if (types.includes('integer') && !types.includes('string') && !DRF_INTEGER.test(data)) {
      return [problem('type', path, data, { type: 'integer' })]
    }
    return []
  }
  const types = typesOf(schema)
  if (
    typeof data === 'number' &&
    !Number.isInteger(data) &&
    types.includes('integer') &&
    !types.includes('number')
  ) {
    return [problem('type', path, data, { type: 'integer' })]
  }
  if (typeof data === 'boolean' && types.length > 0 && !types.includes('boolean')) {
    const expected = types.find((type) => type === 'integer' || type === 'number' || type === 'string')
    return expected ? [problem('type', path, data, { type: expected })] : []
  }
  if (data === null) {
    const scalar = types.some((type) => ['integer', 'number', 'string', 'boolean'].includes(type))
    return scalar && !types.includes('null') ? [problem('type', path, data, { type: types.join(',') })] : []
  }
  if (Array.isArray(data)) {
    return data.flatMap((item, index) => inputProblems(item, schema?.items, `${path}/${index}`, depth + 1))
  }
  if (typeof data !== 'object') return []
  const problems: InputProblem[] = []
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key.includes('\u0000')) {
      problems.push(problem('nullCharacters', path, key))
      continue
    }
    const additional =
      typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined
    const property = schema?.properties?.[key] ?? additional
    problems.push(...inputProblems(value, property, `${path}/${escapePointer(key)}`, depth + 1))
  }
  return problems
}

type Validate = ((data: unknown, context?: unknown) => boolean | PromiseLike<unknown>) & {
  errors?: { instancePath: string }[] | null
  schemaEnv?: unknown
}
type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>

/**
 * Fastify's own Ajv compiler, with every request schema's integers bounded and every input looked at as it
 * arrived before Ajv coerces it. Both kinds of problem come out as one validation result, so a route that
 * reports its schema errors with the domain's own (`attachValidation`) reports these too.
 */
export const guardedValidator: BuildValidator = (externalSchemas, options) => {
  const compile = AjvCompiler()(externalSchemas, options)
  const guard = (route: Parameters<typeof compile>[0]) => {
    const schema = route.schema as Schema
    boundIntegers(schema)
    const validate = compile(route) as Validate
    const guarded: Validate = (data, context) => {
      const found = inputProblems(data, schema)
      const valid = validate(data, context)
      // What the guard found stands for its value: Ajv's word on the same value would only repeat it.
      const covered = (error: { instancePath: string }) =>
        found.some((problem) => error.instancePath === problem.instancePath)
      const others = (validate.errors ?? []).filter((error) => !covered(error))
      guarded.errors = found.length === 0 ? validate.errors : [...found, ...others]
      return found.length === 0 ? valid : false
    }
    // Fastify lets Ajv replace a whole request part (a default for a missing body) only when it sees this.
    guarded.schemaEnv = validate.schemaEnv
    return guarded
  }
  // Typed as Ajv's own validate function, which Fastify expects; it calls it as one.
  return guard as unknown as typeof compile
}
