import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { customerMessage, loggedIn } from './conversations-fixtures.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

test('a retried create with the same Idempotency-Key returns the first result and writes once', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const headers = { 'Idempotency-Key': 'create-1' }
  const body = customerMessage(aliceId, { subject: 'Once' })
  const first = await alice.post('/users/conversations/', body, { headers })
  assert.equal(first.status, 201)
  // The same body with its keys in another order is the same request.
  const reordered = { json: Object.fromEntries(Object.entries(body.json).reverse()) }
  const retry = await alice.post('/users/conversations/', reordered, { headers })
  assert.equal(retry.status, 201)
  assert.deepEqual(retry.body, first.body)
  const list = await alice.get('/users/conversations/')
  assert.equal(list.headers.get('x-total-count'), '1')
})

test('a retried reply adds one message; the same key with another body is a 422', async () => {
  const alice = await loggedIn(parley, 'alice')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const created = await alice.post('/users/conversations/', customerMessage(aliceId))
  const reply = customerMessage(aliceId, { conversation: created.body.id, message_content: 'only once' })
  const headers = { 'Idempotency-Key': 'reply-1' }
  const answers = await Promise.all(
    [1, 2, 3].map(() => alice.post('/users/conversations/', reply, { headers })),
  )
  for (const answer of answers) assert.equal(answer.status, 201)
  const conversation = await alice.get(`/users/conversations/${created.body.id}/`)
  assert.equal(conversation.body.message_set.length, 2)

  const other = await alice.post(
    '/users/conversations/',
    customerMessage(aliceId, { conversation: created.body.id, message_content: 'something else' }),
    { headers },
  )
  assert.equal(other.status, 422)
  assert.deepEqual(other.body, { detail: 'This Idempotency-Key was already used with a different request.' })
})

test('keys belong to their user: another user may use the same key', async () => {
  const bob = await loggedIn(parley, 'bob')
  const response = await bob.post('/users/conversations/', customerMessage(parley.demo.users.bob?.id ?? 0), {
    headers: { 'Idempotency-Key': 'create-1' },
  })
  assert.equal(response.status, 201)
  assert.equal(response.body.user.id, parley.demo.users.bob?.id)
})
