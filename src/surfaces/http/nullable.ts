import { type Static, type TSchema, Type } from 'typebox'

/**
 * `schema` or null, written as a type list (`type: ['object', 'null']`) rather than an `anyOf`: the response
 * serializer picks an `anyOf` branch by validating the whole value against it, an object with everything in
 * it, once per item of a page; a type list it tells apart by the value's type.
 */
export const nullable = <T extends TSchema & { type: string }>(
  schema: T,
  options: { description?: string } = {},
) => Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [schema.type, 'null'] })
