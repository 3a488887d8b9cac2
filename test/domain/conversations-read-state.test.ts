import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { and, eq } from 'drizzle-orm'
import { conversationParties, messages } from '../../src/db/schema/index.ts'
import { DomainError } from '../../src/domain/errors.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { principals } from './conversations-helpers.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const engine = () => parley.app.domain.conversations

async function dialog() {
  const { alice } = principals(parley)
  const start = await engine().startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    sellerId: parley.demo.sellers.bmw.id,
    text: 'hello',
  })
  return start.conversationId
}

const fromSeller = (id: number, text: string) =>
  engine().postMessage(principals(parley).seller, {
    conversationId: id,
    sender: { as: 'seller', sellerId: parley.demo.sellers.bmw.id },
    text,
  })

/** The customer's stored unread count equals a count of the seller's messages after its read mark; its row. */
async function assertUnreadIsAScan(id: number, label: string) {
  const [party] = await parley.db
    .select()
    .from(conversationParties)
    .where(and(eq(conversationParties.conversationId, id), eq(conversationParties.partyType, 'customer')))
  const all = await parley.db.select().from(messages).where(eq(messages.conversationId, id))
  const expected = all.filter(
    (message) => message.side === 'counterparty' && message.id > (party?.lastReadMessageId ?? 0),
  )
  assert.equal(party?.unreadCount, expected.length, label)
  return party
}

test('unread counts follow a long exchange on both sides, and reads bring them down', async () => {
  const { alice, seller } = principals(parley)
  const id = await dialog()
  const unread = async () => {
    const view = await engine().getConversation(alice, id)
    return { customer: view.customerState?.unreadCount, seller: view.counterpartyState?.unreadCount }
  }
  assert.deepEqual(await unread(), { customer: 0, seller: 1 })
  const replies = []
  for (let index = 0; index < 3; index += 1) replies.push(await fromSeller(id, `answer ${index}`))
  assert.deepEqual(await unread(), { customer: 3, seller: 0 })

  // Reading up to the second answer leaves one unread; reading back never moves the mark backwards.
  const state = await engine().markRead(alice, id, replies[1]?.messageId ?? 0)
  assert.equal(state?.unreadCount, 1)
  assert.equal(state?.lastReadMessageId, replies[1]?.messageId)
  assert.equal(await engine().markRead(alice, id, replies[0]?.messageId ?? 0), undefined)
  assert.deepEqual(await unread(), { customer: 1, seller: 0 })

  // Reading with no mark reads everything; a member of the seller sees the seller's own state.
  assert.equal((await engine().markRead(alice, id))?.unreadCount, 0)
  const { viewerState } = await engine().getConversation(seller, id)
  assert.equal(viewerState?.partyType, 'seller')
  assert.equal(viewerState?.unreadCount, 0)
})

test('delivery marks move forward only, up to the newest message, and are implied by reads', async () => {
  const { alice } = principals(parley)
  const id = await dialog()
  const answer = await fromSeller(id, 'delivered?')
  const delivered = await engine().markDelivered(alice, id)
  assert.equal(delivered?.lastDeliveredMessageId, answer.messageId)
  // The customer's read mark stays on its own first message: delivered is not read.
  assert.ok((delivered?.lastReadMessageId ?? 0) < (answer.messageId ?? 0))
  assert.equal(delivered?.unreadCount, 1)
  assert.equal(await engine().markDelivered(alice, id), undefined)
  const next = await fromSeller(id, 'read?')
  const read = await engine().markRead(alice, id, Number.MAX_SAFE_INTEGER)
  assert.equal(read?.lastReadMessageId, next.messageId)
  assert.equal(read?.lastDeliveredMessageId, next.messageId)
})

test('reads racing with replies leave the stored unread count equal to a scan', async () => {
  const { alice } = principals(parley)
  // A few rounds, since a race that goes wrong only sometimes must still be caught.
  for (let round = 0; round < 4; round += 1) {
    const id = await dialog()
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        index % 4 === 0 ? engine().markRead(alice, id) : fromSeller(id, `race ${index}`),
      ),
    )
    await assertUnreadIsAScan(id, `round ${round}`)
  }
})

test('dialog reads racing with replies, up to the newest or to an earlier message, leave the unread count equal to a scan', async () => {
  const { alice } = principals(parley)
  const dialogs = parley.app.domain.dialogs
  for (let round = 0; round < 4; round += 1) {
    const id = await dialog()
    const early = await fromSeller(id, 'early')
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        index % 4 === 0
          ? dialogs.markRead(alice, id, index % 8 === 0 ? undefined : (early.messageId ?? undefined))
          : fromSeller(id, `race ${index}`),
      ),
    )
    const party = await assertUnreadIsAScan(id, `round ${round}`)
    // A read that moves nothing still answers with the party's state.
    const again = await dialogs.markRead(alice, id, early.messageId ?? undefined)
    assert.equal(again.lastReadMessageId, party?.lastReadMessageId)
    assert.equal(again.unreadCount, party?.unreadCount)
    // Reads of the same party racing each other all answer with the mark they asked for.
    const newest = await fromSeller(id, 'newest')
    const reads = await Promise.all(Array.from({ length: 6 }, () => dialogs.markRead(alice, id)))
    for (const state of reads) {
      assert.deepEqual([state.lastReadMessageId, state.unreadCount], [newest.messageId, 0], `round ${round}`)
    }
  }
})

test('a dialog is read only by its parties, and never a conversation with the shop’s staff', async () => {
  const { alice, bob, staff } = principals(parley)
  const dialogs = parley.app.domain.dialogs
  const id = await dialog()
  const isNotFound = (error: unknown) => error instanceof DomainError && error.code === 'not_found'
  // Not being a party is reported before a message that is not the dialog's.
  await assert.rejects(dialogs.markRead(bob, id, 999_999), isNotFound)
  await assert.rejects(dialogs.markRead(alice, id, 999_999), (error) => {
    return error instanceof DomainError && error.code === 'validation' && 'messageId' in error.fields
  })
  const withShop = await engine().startConversation(staff, {
    sender: { as: 'staff' },
    customerId: alice.userId,
  })
  await assert.rejects(dialogs.markRead(alice, withShop.conversationId), isNotFound)
  await engine().softDelete(staff, id)
  await assert.rejects(dialogs.markRead(alice, id), isNotFound)
})

test('someone who takes no part in a conversation cannot see, list, read or mark it', async () => {
  const { bob } = principals(parley)
  const id = await dialog()
  const isNotFound = (error: unknown) => error instanceof DomainError && error.code === 'not_found'
  await assert.rejects(engine().getConversation(bob, id), isNotFound)
  await assert.rejects(engine().listMessages(bob, id, { limit: 10 }), isNotFound)
  await assert.rejects(engine().markRead(bob, id), isNotFound)
  await assert.rejects(engine().markDelivered(bob, id), isNotFound)
  await assert.rejects(
    engine().getConversation(bob, id, 'staff'),
    (error) => error instanceof DomainError && error.code === 'forbidden',
  )
})

test('appendToExisting adds to the customer’s dialog about the same item instead of opening another', async () => {
  const { alice } = principals(parley)
  const input = {
    sender: { as: 'user' as const, userId: alice.userId },
    itemType: 'product' as const,
    itemId: parley.demo.products.mirror.id,
    text: 'first',
  }
  const first = await engine().startConversation(alice, input, { appendToExisting: true })
  const second = await engine().startConversation(
    alice,
    { ...input, text: 'second' },
    { appendToExisting: true },
  )
  assert.equal(first.created, true)
  assert.equal(second.created, false)
  assert.equal(second.conversationId, first.conversationId)
  const page = await engine().listMessages(alice, first.conversationId, { limit: 10 })
  assert.deepEqual(
    page.map((message) => message.text),
    ['first', 'second'],
  )
})

test('staff open an empty conversation with a customer, list it for the company, reply, archive and delete it', async () => {
  const { alice, staff } = principals(parley)
  const opened = await engine().startConversation(staff, {
    sender: { as: 'staff' },
    customerId: alice.userId,
  })
  assert.equal(opened.messageId, null)
  const listed = await engine().listForCompany(staff, { customerId: alice.userId }, { limit: 100, offset: 0 })
  assert.ok(listed.items.some((item) => item.id === opened.conversationId))
  await engine().postMessage(staff, {
    conversationId: opened.conversationId,
    sender: { as: 'staff' },
    text: 'Hi from the shop',
  })
  const seen = await engine().getConversation(alice, opened.conversationId)
  assert.equal(seen.isAnswered, true)
  assert.equal(seen.viewerState?.unreadCount, 1)
  assert.equal(seen.seller, null)
  await engine().setArchived(staff, opened.conversationId, true)
  assert.equal((await engine().getConversation(alice, opened.conversationId)).archived, true)
  await engine().softDelete(staff, opened.conversationId, 'duplicate')
  await assert.rejects(
    engine().getConversation(alice, opened.conversationId),
    (error) => error instanceof DomainError && error.code === 'not_found',
  )
  const deleted = await engine().getConversation(staff, opened.conversationId, 'staff', {
    includeDeleted: true,
  })
  assert.equal(deleted.deletedReason, 'duplicate')
  assert.equal(deleted.deletedByUserId, staff.userId)
})
