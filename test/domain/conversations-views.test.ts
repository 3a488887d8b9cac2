import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eq, sql } from 'drizzle-orm'
import type { ProductImage } from '../../src/db/schema/catalog.ts'
import { conversations, messages, products, sellers, users } from '../../src/db/schema/index.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { principals } from './conversations-helpers.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const engine = () => parley.app.domain.conversations

const image = (id: number, isPrimary: boolean): ProductImage => ({
  id,
  thumbnailWebp: null,
  thumbnailJpeg: null,
  mediumWebp: null,
  mediumJpeg: `medium-${id}.jpg`,
  largeWebp: null,
  largeJpeg: null,
  status: 'ready',
  isPrimary,
  sortOrder: id,
})

const summaryOf = (user: typeof users.$inferSelect) => ({
  id: user.id,
  email: user.email,
  firstName: user.firstName,
  lastName: user.lastName,
  phone: user.phone,
  gender: user.gender,
  displayName: user.displayName,
  avatarUrl: user.avatarUrl,
  cityId: user.cityId,
  createdAt: user.createdAt,
})

// The view is built by PostgreSQL as JSON and mapped by hand: compare it with the rows as Drizzle reads them.
test('a view and its messages carry every stored field: dates to the millisecond, numerics as text, nulls', async () => {
  const { alice, seller } = principals(parley)
  const { db, demo } = parley
  const brakes = demo.products.brakes.id
  await db
    .update(products)
    .set({ images: [image(1, false), image(2, true)], attributes: { steering: 'left', cityId: 34 } })
    .where(eq(products.id, brakes))
  await db.update(users).set({ gender: 'female', cityId: 34 }).where(eq(users.id, alice.userId))
  const start = await engine().startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    itemType: 'product',
    itemId: brakes,
    text: 'Do they fit an E46?',
  })
  const id = start.conversationId
  await engine().postMessage(seller, {
    conversationId: id,
    sender: { as: 'seller', sellerId: demo.sellers.bmw.id },
    text: 'They do.',
  })
  // Microseconds, which a Date drops, so the mapping must truncate them as Drizzle does.
  await db.execute(sql`update messages set created_at = created_at + interval '0.000789 seconds'
    where conversation_id = ${id}`)
  await db.execute(sql`update conversations set last_message_at = last_message_at + interval '0.000789 seconds',
    updated_at = updated_at + interval '0.000456 seconds' where id = ${id}`)

  const { conversation, messages: page } = await engine().getConversationWithMessages(alice, id, {
    limit: 10,
  })

  const [row] = await db.select().from(conversations).where(eq(conversations.id, id))
  const [customer] = await db.select().from(users).where(eq(users.id, alice.userId))
  const [member] = await db.select().from(users).where(eq(users.id, seller.userId))
  const [bmw] = await db.select().from(sellers).where(eq(sellers.id, demo.sellers.bmw.id))
  const [product] = await db.select().from(products).where(eq(products.id, brakes))
  const stored = await db.select().from(messages).where(eq(messages.conversationId, id)).orderBy(messages.id)
  assert.ok(row && customer && member && bmw && product)
  assert.deepEqual(conversation.customer, summaryOf(customer))
  assert.equal(conversation.customer.gender, 'female')
  assert.equal(conversation.customer.cityId, 34)
  assert.deepEqual(conversation.seller, {
    id: bmw.id,
    name: 'BMW Parts Store',
    avatarUrl: null,
    cityId: null,
    rating: '4.85',
    reviewsCount: 127,
    productsCount: bmw.productsCount,
    createdAt: bmw.createdAt,
  })
  assert.deepEqual(conversation.item, {
    type: 'product',
    product: {
      id: brakes,
      name: 'BMW E46 brake pads',
      price: '2500.00',
      imageUrl: null,
      images: [image(1, false), image(2, true)],
      attributes: { steering: 'left', cityId: 34 },
      isPublished: true,
      publishedAt: product.publishedAt,
      locationId: product.locationId,
      seller: { id: bmw.id, name: 'BMW Parts Store' },
    },
  })
  const expected = stored.map((message) => ({
    id: message.id,
    conversationId: id,
    side: message.side,
    sideSeq: message.sideSeq,
    userType: 'registered',
    text: message.text,
    image: null,
    createdAt: message.createdAt,
    senderUser: summaryOf(message.senderUserId === customer.id ? customer : member),
    senderSeller: message.senderSellerId === null ? null : { id: bmw.id, name: 'BMW Parts Store' },
  }))
  assert.deepEqual(page, expected)
  assert.deepEqual(conversation.lastMessage, expected[1])
  for (const field of ['lastMessageAt', 'createdAt', 'updatedAt'] as const) {
    assert.deepEqual(conversation[field], row[field], field)
  }
  assert.equal(conversation.messageCount, 2)
  assert.equal(conversation.isAnswered, true)
  assert.equal(conversation.deletedAt, null)
  // The single view reads the parties' read states too; apart from them it is the same view.
  const { customerState, counterpartyState, viewerState, ...viewed } = await engine().getConversation(
    alice,
    id,
  )
  assert.deepEqual(viewed, conversation)
  assert.deepEqual(customerState, viewerState)
  assert.deepEqual(viewerState, {
    partyType: 'customer',
    partyId: alice.userId,
    lastDeliveredMessageId: stored[0]?.id,
    lastReadMessageId: stored[0]?.id,
    unreadCount: 1,
  })
  assert.deepEqual(counterpartyState, {
    partyType: 'seller',
    partyId: bmw.id,
    lastDeliveredMessageId: stored[1]?.id,
    lastReadMessageId: stored[1]?.id,
    unreadCount: 0,
  })
})

test('an order item shows as its item only with its order and product; a page may be the newer messages', async () => {
  const { alice } = principals(parley)
  const [item] = parley.demo.orders.alice.items
  assert.ok(item)
  const start = await engine().startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    itemType: 'orderitem',
    itemId: item.id,
    text: 'first',
  })
  const id = start.conversationId
  for (const text of ['second', 'third']) {
    await engine().postMessage(alice, {
      conversationId: id,
      sender: { as: 'user', userId: alice.userId },
      text,
    })
  }
  const { conversation, messages: page } = await engine().getConversationWithMessages(alice, id, {
    limit: 1,
    afterId: start.messageId ?? 0,
  })
  assert.deepEqual(
    page.map((message) => message.text),
    ['second'],
  )
  assert.equal(conversation.item?.type, 'orderitem')
  if (conversation.item?.type !== 'orderitem') return
  assert.deepEqual(conversation.item.orderItem, { id: item.id, status: 'new', quantity: 1, price: '0.00' })
  assert.deepEqual(conversation.item.order, {
    id: parley.demo.orders.alice.id,
    number: 'DEMO-ALICE',
    status: 'new',
  })
  assert.equal(conversation.item.product.id, item.product_id)
})

// The view's people are read in the page's lookup of its messages' authors: a page must not narrow them.
test("a page of one side's messages still shows the conversation's customer, seller and last message", async () => {
  const { alice, seller } = principals(parley)
  const bmw = parley.demo.sellers.bmw.id
  const start = await engine().startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    sellerId: bmw,
    text: 'Is the part in stock?',
  })
  const id = start.conversationId
  await engine().postMessage(seller, {
    conversationId: id,
    sender: { as: 'seller', sellerId: bmw },
    text: 'Yes.',
  })
  const full = await engine().getConversationWithMessages(alice, id, { limit: 10 })
  const customersOnly = await engine().getConversationWithMessages(alice, id, { limit: 1, afterId: 0 })
  const sellersOnly = await engine().getConversationWithMessages(alice, id, { limit: 1 })
  const empty = await engine().getConversationWithMessages(alice, id, { limit: 10, beforeId: 1 })

  assert.deepEqual(
    [customersOnly, sellersOnly, empty].map(({ messages }) => messages.map((message) => message.text)),
    [['Is the part in stock?'], ['Yes.'], []],
  )
  for (const { conversation } of [customersOnly, sellersOnly, empty]) {
    assert.deepEqual(conversation, full.conversation)
  }
  assert.equal(full.conversation.customer?.id, alice.userId)
  assert.equal(full.conversation.seller?.id, bmw)
  assert.deepEqual(full.conversation.lastMessage?.senderSeller, { id: bmw, name: 'BMW Parts Store' })
})
