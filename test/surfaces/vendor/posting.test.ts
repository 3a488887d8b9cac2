import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { and, eq, sql } from 'drizzle-orm'
import { conversations, events, sellerMembers } from '../../../src/db/schema/index.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, vendorLogin } from './fixtures.ts'

// A text post is one statement that works out the sender's party itself; these pin down what it decides.

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

async function openDialog(buyer: HttpClient, title: string) {
  const productId = await addProduct(parley, title)
  const response = await buyer.post('/vendor/conversations', {
    json: { product_id: productId, message: 'Hi' },
  })
  assert.equal(response.status, 201)
  return response.body.data.id as number
}

/** The `message.created` payloads recorded for a message, one per party told. */
const createdEvents = async (messageId: number) =>
  (
    await parley.db
      .select({ partyType: events.partyType, payload: events.payload })
      .from(events)
      .where(
        and(
          eq(events.type, 'message.created'),
          sql`(${events.payload} -> 'message' ->> 'id')::bigint = ${messageId}`,
        ),
      )
  ).map((row) => ({
    partyType: row.partyType,
    message: (row.payload as { message: Record<string, unknown> }).message,
  }))

const messageCount = async (id: number) =>
  (
    await parley.db
      .select({ count: conversations.messageCount })
      .from(conversations)
      .where(eq(conversations.id, id))
  )[0]?.count

test("a seller's member posts as the seller and the buyer as the customer, in the answer and in both parties' events", async () => {
  const alice = await vendorLogin(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const id = await openDialog(alice, 'Sides part')
  const sellerId = parley.demo.sellers.bmw.id

  const answer = await seller.post(`/vendor/conversations/${id}/messages`, { json: { text: 'In stock' } })
  assert.equal(answer.status, 201)
  assert.equal(answer.body.data.sender_id, sellerId)
  const question = await alice.post(`/vendor/conversations/${id}/messages`, { json: { text: 'Price?' } })
  assert.equal(question.status, 201)
  assert.equal(question.body.data.sender_id, parley.demo.users.alice.id)

  const listed = (await alice.get(`/vendor/conversations/${id}/messages`)).body.data as {
    id: number
    sender_id: number
  }[]
  assert.deepEqual(
    listed.slice(-2).map((message) => [message.id, message.sender_id]),
    [
      [answer.body.data.id, sellerId],
      [question.body.data.id, parley.demo.users.alice.id],
    ],
  )
  const fromSeller = await createdEvents(answer.body.data.id)
  assert.deepEqual(fromSeller.map((event) => event.partyType).sort(), ['customer', 'seller'])
  for (const { message } of fromSeller) {
    assert.deepEqual(
      [message.side, message.senderParty, message.senderSellerId],
      ['counterparty', 'seller', sellerId],
    )
  }
  for (const { message } of await createdEvents(question.body.data.id)) {
    assert.deepEqual(
      [message.side, message.senderParty, message.senderSellerId],
      ['customer', 'customer', null],
    )
  }
  // The seller's post read what came before it; the buyer's question is the one thing it has unread.
  assert.equal((await seller.get(`/vendor/conversations/${id}`)).body.data.unread_count, 1)
})

test('a seller cannot answer a review (422) and a former member finds no dialog (404); nothing is written', async () => {
  const alice = await vendorLogin(parley, 'alice')
  const seller = await vendorLogin(parley, 'seller')
  const review = await openDialog(alice, 'Review part')
  await parley.db.update(conversations).set({ type: 'review' }).where(eq(conversations.id, review))
  const before = await messageCount(review)

  const refused = await seller.post(`/vendor/conversations/${review}/messages`, { json: { text: 'Thanks' } })
  assert.equal(refused.status, 422)
  assert.equal(refused.body.error.code, 'validation_error')
  assert.deepEqual(refused.body.error.fields, { non_field_errors: ['DataSource cannot reply to a review.'] })
  assert.equal(await messageCount(review), before)
  // The buyer may still write in its own review.
  assert.equal(
    (await alice.post(`/vendor/conversations/${review}/messages`, { json: { text: 'Also' } })).status,
    201,
  )

  const dialog = await openDialog(alice, 'Membership part')
  const sellerUser = parley.demo.users.seller.id
  const [membership] = await parley.db
    .delete(sellerMembers)
    .where(eq(sellerMembers.userId, sellerUser))
    .returning()
  try {
    const gone = await seller.post(`/vendor/conversations/${dialog}/messages`, {
      json: { text: 'Still here?' },
    })
    assert.equal(gone.status, 404)
    assert.equal(await messageCount(dialog), 1)
  } finally {
    if (membership) await parley.db.insert(sellerMembers).values(membership)
  }
})
