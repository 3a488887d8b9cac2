import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { customerMessage, loggedIn, sellerMessage } from './conversations-fixtures.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

test('50 concurrent replies over HTTP are all kept, with the right last message', async () => {
  const alice = await loggedIn(parley, 'alice')
  const seller = await loggedIn(parley, 'seller')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const created = await alice.post('/users/conversations/', customerMessage(aliceId, { datasource: bmw }))
  const id = created.body.id

  const replies = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0
        ? alice.post(
            '/users/conversations/',
            customerMessage(aliceId, { conversation: id, message_content: `c${index}` }),
          )
        : seller.post(
            '/users/conversations/',
            sellerMessage(bmw, { conversation: id, message_content: `s${index}` }),
          ),
    ),
  )
  for (const reply of replies) assert.equal(reply.status, 201)

  const conversation = await alice.get(`/users/conversations/${id}/`)
  const messages = conversation.body.message_set
  assert.equal(messages.length, 51)
  const texts = new Set(messages.map((message: { message_content: string }) => message.message_content))
  for (let index = 0; index < 50; index += 1) assert.ok(texts.has(`${index % 2 === 0 ? 'c' : 's'}${index}`))
  const newest = messages.at(-1)
  assert.equal(conversation.body.last_message_date, newest.created_date)
  assert.equal(conversation.body.is_answered, newest.content_type === 'datasource')
  const ids = messages.map((message: { id: number }) => message.id)
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  )

  const list = await alice.get('/users/conversations/')
  assert.equal(list.body[0].id, id)
  assert.equal(list.body[0].message_set[0].id, newest.id)
})
