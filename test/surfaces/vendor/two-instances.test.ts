import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, vendorLogin } from './fixtures.ts'

// Two Parley instances on one database: on PostgreSQL each LISTENs on its own connection, so an event
// written through one reaches the other only through NOTIFY; on PGlite both share one in-process database.
let first: TestApp
let second: TestApp

before(async () => {
  first = await startTestApp()
  second = await startTestApp({ shared: { database: first.database, dataDir: first.dataDir } })
})
after(async () => {
  await second.close()
  await first.close()
})

test('a message sent through one instance arrives on a /vendor/events stream held open on the other', async () => {
  const alice = await vendorLogin(first, 'alice')
  const seller = await vendorLogin(second, 'seller')
  const sellerStream = await openEventStream(`${second.baseUrl}/vendor/events`, seller.cookieHeader())
  const aliceStream = await openEventStream(`${first.baseUrl}/vendor/events`, alice.cookieHeader())
  assert.equal(sellerStream.status, 200)

  const productId = await addProduct(first, 'Realtime part')
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: productId, message: 'Anyone there?' },
  })
  assert.equal(opened.status, 201)
  const conversationId = opened.body.data.id
  const messageId = opened.body.data.last_message.id

  const [created, updated] = await sellerStream.next(2)
  assert.equal(created?.event, 'message.created')
  assert.equal(created?.data.data.conversation_id, conversationId)
  assert.equal(created?.data.data.message.id, messageId)
  assert.equal(created?.data.data.message.text, 'Anyone there?')
  assert.equal(created?.data.data.message.sender_user_id, first.demo.users.alice.id)
  assert.equal(updated?.event, 'conversation.updated')
  assert.deepEqual(
    { ...updated?.data.data, last_message_at: undefined },
    {
      conversation_id: conversationId,
      last_message_id: messageId,
      last_message_at: undefined,
      unread_count: 1,
    },
  )
  assert.ok(Number(updated?.id) > Number(created?.id), 'event ids increase in commit order')

  // The seller fetching on the second instance is a receipt for the buyer streaming from the first.
  await seller.get(`/vendor/conversations/${conversationId}/messages`)
  const [, , deliveredFirst] = await aliceStream.next(3)
  assert.equal(deliveredFirst?.event, 'message.delivered', 'the fetch alone wakes the stream')
  await seller.post(`/vendor/conversations/${conversationId}/read`, { json: {} })
  const aliceEvents = await aliceStream.next(4)
  assert.deepEqual(
    aliceEvents.map((event) => event.event),
    ['message.created', 'conversation.updated', 'message.delivered', 'message.read'],
  )
  assert.equal(aliceEvents[1]?.data.data.unread_count, 0)
  const [delivered, read] = aliceEvents.slice(2)
  assert.deepEqual(delivered?.data.data, {
    conversation_id: conversationId,
    party_type: 'seller',
    party_id: first.demo.sellers.bmw.id,
    last_delivered_message_id: messageId,
    last_read_message_id: 0,
  })
  assert.deepEqual(read?.data.data, {
    conversation_id: conversationId,
    party_type: 'seller',
    party_id: first.demo.sellers.bmw.id,
    last_delivered_message_id: messageId,
    last_read_message_id: messageId,
  })

  // And a reply from the second instance reaches the buyer's stream on the first.
  await seller.post(`/vendor/conversations/${conversationId}/messages`, { json: { text: 'Yes!' } })
  const reply = (await aliceStream.next(6)).slice(4)
  assert.deepEqual(
    reply.map((event) => event.event),
    ['message.created', 'conversation.updated'],
  )
  assert.equal(reply[0]?.data.data.message.text, 'Yes!')
  assert.equal(reply[1]?.data.data.unread_count, 1)
  await sellerStream.close()
  await aliceStream.close()
})
