import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import { type Body, HttpClient, type Response, withToken } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { vendorLogin } from './vendor/fixtures.ts'

// Every route of /openapi.json, fed generated input of every wrong type, size and encoding, as a legitimate
// caller of its surface: the answer is a 2xx (the input was valid after all) or a 4xx in the surface's own
// error shape, never a 5xx, and a refused request wrote nothing. Routes added later are walked the same way.
//
// CI runs a fixed seed and a few runs a route; a longer search:
//   PARLEY_FUZZ_RUNS=500 PARLEY_FUZZ_SEED=$RANDOM node --test test/surfaces/input-properties.test.ts
// A failure prints the seed and the path that reproduce it.

const RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 12)
const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 24)

type Schema = {
  type?: string | string[]
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  enum?: unknown[]
}
type Operation = {
  parameters?: { in: string; name: string; schema?: Schema }[]
  requestBody?: { content: Record<string, { schema?: Schema }> }
  responses?: Record<string, { content?: Record<string, unknown> }>
}
type Route = { method: string; path: string; operation: Operation }
type Surface = 'storefront' | 'staff' | 'vendor' | 'shop' | 'other'

// The tables a refused request must leave alone: the shop's data and everything a write to it queues.
const WATCHED = [
  'companies',
  'locations',
  'users',
  'api_keys',
  'sessions',
  'sellers',
  'seller_members',
  'products',
  'orders',
  'order_items',
  'contact_subjects',
  'contacts',
  'settings',
  'conversations',
  'conversation_parties',
  'messages',
  'idempotency_keys',
  'events',
  'outbox',
]

let parley: TestApp
let routes: Route[]
const clients = {} as Record<Surface, HttpClient>

before(async () => {
  // The contact-us throttle would answer every form after the tenth with a 429, hiding what it checks.
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000000' }, runWorkers: false })
  clients.storefront = new HttpClient(parley.baseUrl)
  await clients.storefront.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  clients.vendor = await vendorLogin(parley, 'alice')
  clients.staff = withToken(parley.baseUrl, parley.demo.users.admin.token)
  clients.shop = withToken(parley.baseUrl, parley.demo.users.admin.token, 'Bearer')
  clients.other = new HttpClient(parley.baseUrl)
  const document = (await clients.other.get('/openapi.json')).body as {
    paths: Record<string, Record<string, Operation>>
  }
  routes = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  )
})
after(() => parley.close())

const surfaceOf = (path: string): Surface =>
  path.startsWith('/users/')
    ? 'storefront'
    : path.startsWith('/api/')
      ? 'staff'
      : path.startsWith('/vendor/')
        ? 'vendor'
        : path.startsWith('/v3/')
          ? 'shop'
          : 'other'

/** Streams never end, and logging out would end the session the other routes are called with. */
const walked = (route: Route) =>
  !route.path.endsWith('/events') &&
  !/logout/.test(route.path) &&
  !Object.values(route.operation.responses ?? {}).some((response) => response.content?.['text/event-stream'])

const isStringList = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
const drfFields = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((field) => isStringList(field) || drfFields(field))

/** Whether a refusal is in the error shape of the surface that made it. */
function inSurfaceShape(surface: Surface, response: Response): boolean {
  const body = response.body
  if (typeof body !== 'object' || body === null) return false
  switch (surface) {
    case 'storefront':
    case 'staff':
      if (Array.isArray(body)) return body.every(drfFields)
      return typeof body.detail === 'string' || (Object.keys(body).length > 0 && drfFields(body))
    case 'vendor':
      return typeof body.error?.code === 'string' && typeof body.error?.message === 'string'
    case 'shop':
      return (
        body.success === false &&
        typeof body.code === 'string' &&
        typeof body.message === 'string' &&
        typeof body.documentation_url === 'string' &&
        'data' in body
      )
    case 'other':
      return true
  }
}

/** A digest of every watched table, so that any row inserted, changed or deleted changes it. */
async function snapshot(): Promise<string> {
  const parts = WATCHED.map(
    (table) =>
      `(select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from ${table} t) as ${table}`,
  )
  const result = await parley.db.execute(sql.raw(`select ${parts.join(', ')}`))
  return JSON.stringify(result)
}

const hostile = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\u202eevil\u202c',
  '\u200f',
  ' ',
  '',
  'x'.repeat(5000),
  '1e30',
  '2147483648',
  '9223372036854775808',
  '9007199254740995',
  '-1',
  '0',
  '1.5',
  'true',
  'null',
  '[]',
  '{}',
)
const text = fc.oneof(hostile, fc.string(), fc.string({ unit: 'binary', maxLength: 20 }))
const number = fc.oneof(
  fc.constantFrom(1e30, 2 ** 31, 2 ** 63, -(2 ** 31) - 1, 2 ** 53 + 2, 1.5, -0, 0, 1, Number.MAX_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)
// Deep nesting goes as a token that the JSON encoding expands, so that a failure prints in a few lines.
const deep = fc.integer({ min: 100, max: 5000 }).map((depth) => `<deep ${depth}>`)
const expandDeep = (json: string) =>
  json.replace(
    /"<deep (\d+)>"/g,
    (_, depth) => `${'{"a":['.repeat(Number(depth))}1${']}'.repeat(Number(depth))}`,
  )
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(text, tie('value'), { maxKeys: 3 }),
    deep,
  ),
}))

type Arbitrary = fc.Arbitrary<unknown>

/** A value the schema allows, or near enough: small numbers name the demo shop's rows. */
function plausible(schema: Schema | undefined): Arbitrary {
  if (!schema) return value
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const types = [schema.type ?? []].flat().filter((type) => type !== 'null')
  const type = types[0] ?? schema.anyOf?.map((branch) => branch.type).find((t) => t && t !== 'null')
  switch (type) {
    case 'string': {
      if (schema.format === 'email') return fc.constant('fuzz@example.com')
      if (schema.format === 'date-time') return fc.constant('2026-01-02T03:04:05Z')
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern))
      const min = Math.max(1, schema.minLength ?? 1)
      return fc.string({
        unit: 'grapheme-ascii',
        minLength: min,
        maxLength: Math.max(min, Math.min(schema.maxLength ?? 12, 12)),
      })
    }
    case 'integer':
    case 'number':
      return fc.integer({ min: Math.max(schema.minimum ?? 0, 0), max: Math.min(schema.maximum ?? 5, 5) })
    case 'boolean':
      return fc.boolean()
    case 'array':
      return fc.array(plausible(schema.items), { maxLength: 2 })
    case 'object': {
      const fields = Object.entries(schema.properties ?? {})
      return fc.record(Object.fromEntries(fields.map(([name, field]) => [name, plausible(field)])), {
        requiredKeys: (schema.required ?? []).filter((name) => schema.properties?.[name]),
      })
    }
    default:
      return value
  }
}

/** Every place in a value one could put something else. */
function pathsOf(given: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof given !== 'object' || given === null) return path.length > 0 ? [path] : []
  const entries: [string | number, unknown][] = Array.isArray(given)
    ? given.map((item, index) => [index, item])
    : Object.entries(given)
  return [
    ...(path.length > 0 ? [path] : []),
    ...entries.flatMap(([key, item]) => pathsOf(item, [...path, key])),
  ]
}

function replaceAt(given: unknown, path: (string | number)[], replacement: unknown): unknown {
  const [head, ...rest] = path
  if (head === undefined) return replacement
  const copy = (Array.isArray(given) ? [...given] : { ...(given as object) }) as Record<
    string | number,
    unknown
  >
  copy[head] = replaceAt(copy[head], rest, replacement)
  return copy
}

const hostileValue = fc.oneof(
  value,
  text.map((given) => `ok\u0000${given}`),
)

/** A plausible request with one of its values, at any depth, replaced by a hostile one; or anything at all. */
const mutated = (schema: Schema | undefined) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(plausible(schema), fc.nat(), hostileValue).map(([base, pick, replacement]) => {
        const paths = pathsOf(base)
        return paths.length === 0
          ? replacement
          : replaceAt(base, paths[pick % paths.length] ?? [], replacement)
      }),
    },
    { weight: 1, arbitrary: plausible(schema) },
    { weight: 1, arbitrary: value },
  )

/** Any string, percent-encoded byte by byte, so that lone surrogates and NULs reach the server as sent. */
function percentEncode(raw: string): string {
  let encoded = ''
  for (const unit of raw) {
    const code = unit.codePointAt(0) ?? 0
    if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate has no UTF-8 form: send the bytes its WTF-8 encoding would have.
      encoded += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`
    } else encoded += encodeURIComponent(unit)
  }
  return encoded
}

const queryOf = (route: Route) => {
  const parameters = (route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query')
  const schema: Schema = {
    type: 'object',
    properties: Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema ?? {}])),
  }
  return mutated(schema).map((query) =>
    Object.entries(typeof query === 'object' && query !== null ? query : { q: query })
      .map(
        ([key, given]) =>
          `${percentEncode(key)}=${percentEncode(typeof given === 'string' ? given : (JSON.stringify(given) ?? ''))}`,
      )
      .join('&'),
  )
}

const idOf = fc.oneof(
  fc.constantFrom('1', '2', '3'),
  fc.constantFrom('0', '-1', '1.5', '1e3', 'true', '99999999999999999999', '9007199254740995'),
  fc.nat().map(String),
  text,
)

const encodingsOf = (route: Route): ('json' | 'form' | 'multipart')[] => {
  const types = Object.keys(route.operation.requestBody?.content ?? {})
  return [
    'json',
    ...(types.includes('application/x-www-form-urlencoded') ? (['form'] as const) : []),
    ...(types.includes('multipart/form-data') ? (['multipart'] as const) : []),
  ]
}

/** A form carries text only: a generated value goes as its JSON text, or as itself when it is a string. */
const asFormFields = (body: unknown) =>
  Object.fromEntries(
    Object.entries(
      typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { value: body },
    ).map(([name, given]) => [name, typeof given === 'string' ? given : (JSON.stringify(given) ?? '')]),
  )

function encodeBody(encoding: 'json' | 'form' | 'multipart', body: unknown): Body {
  if (encoding === 'json') {
    return { raw: expandDeep(JSON.stringify(body) ?? 'null'), contentType: 'application/json' }
  }
  const fields = asFormFields(body)
  if (encoding === 'form') {
    const raw = Object.entries(fields)
      .map(([name, given]) => `${percentEncode(name)}=${percentEncode(given)}`)
      .join('&')
    return { raw, contentType: 'application/x-www-form-urlencoded' }
  }
  return {
    multipart: { ...fields, file: { filename: 'a\u0000\u202e.txt', content: 'hello', type: 'text/plain' } },
  }
}

test('every route answers generated input with a 2xx or a 4xx in its surface’s shape, writing nothing when it refuses', async () => {
  const walk = routes.filter(walked)
  assert.ok(walk.length > 30, 'the OpenAPI document lists every route')
  for (const route of walk) {
    const surface = surfaceOf(route.path)
    const client = clients[surface]
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(route.method)
    const schema = route.operation.requestBody?.content?.['application/json']?.schema
    const request = fc.record({
      ids: fc.array(idOf, { minLength: 4, maxLength: 4 }),
      query: queryOf(route),
      body: hasBody ? mutated(schema) : fc.constant(undefined),
      encoding: fc.constantFrom(...encodingsOf(route)),
    })
    await fc.assert(
      fc.asyncProperty(request, async ({ ids, query, body, encoding }) => {
        let index = 0
        const path = route.path.replace(/\{[^}]+\}/g, () => percentEncode(ids[index++] ?? '1'))
        const url = query === '' ? path : `${path}?${query}`
        const before = await snapshot()
        const response = await client.request(route.method, url, {
          body: hasBody ? encodeBody(encoding, body) : undefined,
        })
        const where = `${route.method} ${url} (${encoding}) → ${response.status} ${response.text.slice(0, 300)}`
        assert.ok(response.status < 500, where)
        if (response.status >= 400) {
          assert.ok(inSurfaceShape(surface, response), `not in the ${surface} error shape: ${where}`)
          assert.equal(await snapshot(), before, `a refused request wrote: ${where}`)
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    )
  }
})
