import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, test } from 'node:test'
import { HttpClient } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

type Paths = Record<string, Record<string, { operationId?: string }>>

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const operations = (paths: Paths) =>
  Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      at: `${method} ${path}`,
      id: operation.operationId,
    })),
  )

test('every operation of the four surfaces has an operationId of its own, the storefront its published ones', async () => {
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body as { paths: Paths }
  const served = operations(document.paths)
  const placesOf = new Map<string, string[]>()
  for (const { at, id } of served) {
    assert.ok(id, `${at} has an operationId`)
    placesOf.set(id, [...(placesOf.get(id) ?? []), at])
  }
  // Code generators key their functions by operationId: OpenAPI requires each to be unique in a document.
  assert.deepEqual(
    [...placesOf].filter(([, at]) => at.length > 1),
    [],
  )
  // The storefront's document (test/contracts) names its operations; its clients' generated code calls them so.
  const published = JSON.parse(
    await readFile(new URL('../contracts/storefront.openapi.json', import.meta.url), 'utf8'),
  ) as { paths: Paths }
  for (const { at, id } of operations(published.paths)) {
    assert.equal(served.find((operation) => operation.at === at)?.id, id, at)
  }
})
