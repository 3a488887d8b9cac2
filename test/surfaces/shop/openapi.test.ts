import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { CONVERSATION_FIELDS } from './shop-fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const routes = [
  ['post', '/v3/conversation'],
  ['get', '/v3/conversation'],
  ['get', '/v3/conversation/{id}'],
  ['put', '/v3/conversation/{id}'],
  ['delete', '/v3/conversation/{id}'],
  ['get', '/v3/conversation/{id}/message'],
  ['post', '/v3/conversation/{id}/message'],
] as const

test('every /v3 route is in the OpenAPI document with bearer auth, its success and its error envelope', async () => {
  const document = (await new HttpClient(parley.baseUrl).get('/openapi.json')).body
  assert.deepEqual(document.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    description: 'A staff user’s API key (shop `/v3/`).',
  })
  for (const [method, path] of routes) {
    const operation = document.paths[path]?.[method]
    assert.ok(operation, `${method} ${path} is documented`)
    assert.ok(operation.summary && operation.description, `${method} ${path} is described`)
    assert.deepEqual(operation.security, [{ bearerAuth: [] }])
    const success = operation.responses['200'].content['application/json'].schema
    assert.ok(
      success.properties.success && success.properties.data,
      `${method} ${path} documents the envelope`,
    )
    for (const status of ['400', '401', '403', '404']) {
      const error = operation.responses[status].content['application/json'].schema
      assert.deepEqual(Object.keys(error.properties).sort(), [
        'code',
        'data',
        'documentation_url',
        'message',
        'success',
      ])
    }
  }
  const conversation =
    document.paths['/v3/conversation'].post.responses['200'].content['application/json'].schema
  assert.deepEqual(Object.keys(conversation.properties.data.properties).sort(), CONVERSATION_FIELDS)
})
