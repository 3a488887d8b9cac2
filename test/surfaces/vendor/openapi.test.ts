import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const routes = [
  ['post', '/vendor/conversations'],
  ['get', '/vendor/conversations'],
  ['get', '/vendor/conversations/{id}'],
  ['get', '/vendor/conversations/{id}/messages'],
  ['post', '/vendor/conversations/{id}/messages'],
  ['post', '/vendor/conversations/{id}/read'],
  ['get', '/vendor/conversations/{id}/messages/{messageId}/image'],
] as const

test('every vendor conversation route is in the OpenAPI document, with a description', async () => {
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body
  for (const [method, path] of routes) {
    const operation = document.paths[path]?.[method]
    assert.ok(operation, `${method} ${path} is documented`)
    assert.ok(operation.summary && operation.description, `${method} ${path} is described`)
  }
})

test('the 422 validation error shape is documented on the writes', async () => {
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body
  for (const path of ['/vendor/conversations', '/vendor/conversations/{id}/messages']) {
    const schema = document.paths[path].post.responses['422'].content['application/json'].schema
    const error = schema.properties.error
    assert.deepEqual(error.required.sort(), ['code', 'fields', 'message'])
    assert.equal(error.properties.fields.type, 'object')
  }
  const send = document.paths['/vendor/conversations/{id}/messages'].post.requestBody.content
  assert.equal(send['multipart/form-data'].schema.properties.image.format, 'binary')
})
