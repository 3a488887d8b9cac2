import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { asc, eq } from 'drizzle-orm'
import { conversationParties, conversations, messages } from '../../src/db/schema/index.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { principals } from './conversations-helpers.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

test('50 concurrent replies from both sides leave exact counters, ranks, last message and unread counts', async () => {
  const { alice, seller } = principals(parley)
  const engine = parley.app.domain.conversations
  const sellerId = parley.demo.sellers.bmw.id
  const start = await engine.startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    sellerId,
    text: 'Do you have brake pads?',
  })

  await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      index % 2 === 0
        ? engine.postMessage(alice, {
            conversationId: start.conversationId,
            sender: { as: 'user', userId: alice.userId },
            text: `customer ${index}`,
          })
        : engine.postMessage(seller, {
            conversationId: start.conversationId,
            sender: { as: 'seller', sellerId },
            text: `seller ${index}`,
          }),
    ),
  )

  const db = parley.db
  const [row] = await db.select().from(conversations).where(eq(conversations.id, start.conversationId))
  const all = await db
    .select()
    .from(messages)
    .where(eq(messages.conversationId, start.conversationId))
    .orderBy(asc(messages.id))
  assert.ok(row)
  assert.equal(all.length, 51)
  assert.equal(row.messageCount, 51)
  assert.equal(row.customerMessageCount, 26)
  assert.equal(row.counterpartyMessageCount, 25)
  const newest = all.at(-1)
  assert.equal(row.lastMessageId, newest?.id)
  assert.equal(row.lastMessageAt.getTime(), newest?.createdAt.getTime())
  assert.equal(row.isAnswered, newest?.side === 'counterparty')

  // Ranks per side are 1..n with no gap or repeat, in the order of the ids.
  for (const side of ['customer', 'counterparty']) {
    const ranks = all.filter((message) => message.side === side).map((message) => message.sideSeq)
    assert.deepEqual(
      ranks,
      Array.from({ length: ranks.length }, (_, index) => index + 1),
    )
  }

  // Each party's stored unread count equals a scan of the other side's messages after its read mark.
  const parties = await db
    .select()
    .from(conversationParties)
    .where(eq(conversationParties.conversationId, start.conversationId))
  assert.equal(parties.length, 2)
  for (const party of parties) {
    const otherSide = party.partyType === 'customer' ? 'counterparty' : 'customer'
    const unread = all.filter((message) => message.side === otherSide && message.id > party.lastReadMessageId)
    assert.equal(party.unreadCount, unread.length, `${party.partyType} unread`)
    assert.equal(party.lastMessageAt.getTime(), row.lastMessageAt.getTime())
  }
  const last = all.at(-1)
  const senderParty = parties.find(
    (party) => (party.partyType === 'customer') === (last?.side === 'customer'),
  )
  assert.equal(senderParty?.unreadCount, 0)
  assert.equal(senderParty?.lastReadMessageId, last?.id)
})
