import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'

const contractPath = new URL('../contracts/storefront.openapi.json', import.meta.url)
const contract = JSON.parse(readFileSync(contractPath, 'utf8'))

// The contract's own schemas, strict about what they say and nothing more (OpenAPI keywords are tolerated).
const ajv = new Ajv({ allErrors: true, strict: false })
addFormats.default(ajv)
ajv.addSchema(contract, 'storefront')

/** Fails unless `value` is valid against `#/components/schemas/<name>` of the storefront contract. */
export function assertMatchesContract(value: unknown, name: string, asArray = false) {
  const ref = { $ref: `storefront#/components/schemas/${name}` }
  const validate = ajv.compile(asArray ? { type: 'array', items: ref } : ref)
  assert.ok(validate(value), `${name} does not match the contract: ${ajv.errorsText(validate.errors)}`)
}
