import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Principal } from '../../../src/domain/principal.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, customerSession, openConversation, shop } from './shop-fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const alicePrincipal = (): Principal => ({
  userId: parley.demo.users.alice.id,
  companyId: parley.demo.company.id,
  email: parley.demo.users.alice.email,
  isStaff: false,
  isSuperuser: false,
})

const aliceUnread = async (id: unknown) => {
  const view = await parley.app.domain.conversations.getConversation(alicePrincipal(), Number(id))
  return view.viewerState?.unreadCount
}

test('a staff reply is answered with the message and reaches the customer’s storefront conversation', async () => {
  const opened = await openConversation(parley)
  assert.equal(await aliceUnread(opened.id), 0)
  const response = await shop(parley).post(`/v3/conversation/${opened.id}/message`, {
    json: { text: 'Your parts ship today.' },
  })
  assert.equal(response.status, 200)
  assert.deepEqual(Object.keys(response.body).sort(), ['data', 'success'])
  const message = response.body.data
  assert.deepEqual(Object.keys(message).sort(), [
    'conversationId',
    'createdDate',
    'fromCustomer',
    'id',
    'sellerId',
    'text',
    'userId',
  ])
  assert.match(message.id, /^\d+$/)
  assert.equal(message.conversationId, opened.id)
  assert.equal(message.text, 'Your parts ship today.')
  assert.equal(message.fromCustomer, false)
  assert.equal(message.userId, String(parley.demo.users.staff.id))
  assert.equal(message.sellerId, null)
  assert.ok(!Number.isNaN(Date.parse(message.createdDate)))

  const storefront = await customerSession(parley, 'alice')
  const seen = await storefront.get(`/users/conversations/${opened.id}/`)
  assert.equal(seen.status, 200)
  assert.deepEqual(
    seen.body.message_set.map((m: { id: number; message_content: string }) => [
      String(m.id),
      m.message_content,
    ]),
    [[message.id, 'Your parts ship today.']],
  )
  assert.equal(seen.body.is_answered, true)
  assert.equal(await aliceUnread(opened.id), 1, 'unread for the customer')
})

test('`message` is accepted for `text`; a blank or missing reply is a 400 on text', async () => {
  const opened = await openConversation(parley)
  const aliased = await shop(parley).post(`/v3/conversation/${opened.id}/message`, {
    json: { message: 'Hi!' },
  })
  assert.equal(aliased.status, 200)
  assert.equal(aliased.body.data.text, 'Hi!')

  const blank = await shop(parley).post(`/v3/conversation/${opened.id}/message`, { json: { text: '   ' } })
  assertShopError(blank, 400, 'validation_error')
  assert.deepEqual(blank.body.data.fields.text, ['This field may not be blank.'])
  const missing = await shop(parley).post(`/v3/conversation/${opened.id}/message`, { json: {} })
  assertShopError(missing, 400, 'validation_error')
  assert.deepEqual(missing.body.data.fields.text, ['This field is required.'])
})

test('messages list oldest first, a cursor page at a time, with the total', async () => {
  const opened = await openConversation(parley, 'bob')
  const sent: string[] = []
  for (let i = 1; i <= 5; i++) {
    const response = await shop(parley).post(`/v3/conversation/${opened.id}/message`, {
      json: { text: `reply ${i}` },
    })
    sent.push(response.body.data.id)
  }
  const first = await shop(parley).get(`/v3/conversation/${opened.id}/message?limit=2`)
  assert.equal(first.status, 200)
  assert.deepEqual(Object.keys(first.body).sort(), ['data', 'meta', 'success'])
  assert.deepEqual(
    first.body.data.map((m: { text: string }) => m.text),
    ['reply 1', 'reply 2'],
  )
  assert.deepEqual(first.body.meta, { total: 5, limit: 2, nextAfterId: sent[1] })
  const second = await shop(parley).get(`/v3/conversation/${opened.id}/message?limit=2&afterId=${sent[1]}`)
  assert.deepEqual(
    second.body.data.map((m: { id: string }) => m.id),
    [sent[2], sent[3]],
  )
  const last = await shop(parley).get(`/v3/conversation/${opened.id}/message?limit=2&afterId=${sent[3]}`)
  assert.deepEqual(
    last.body.data.map((m: { id: string }) => m.id),
    [sent[4]],
  )
  assert.equal(last.body.meta.nextAfterId, null)

  const empty = await openConversation(parley, 'bob')
  const none = await shop(parley).get(`/v3/conversation/${empty.id}/message`)
  assert.deepEqual(none.body, { success: true, data: [], meta: { total: 0, limit: 20, nextAfterId: null } })
})

test('the customer’s messages are listed as theirs', async () => {
  const opened = await openConversation(parley)
  const storefront = await customerSession(parley, 'alice')
  const written = await storefront.post('/users/conversations/', {
    json: {
      conversation: Number(opened.id),
      message_content: 'When will it arrive?',
      user_type: 'registered',
      content_type: 'user',
      content_id: parley.demo.users.alice.id,
    },
  })
  assert.equal(written.status, 201)
  const listed = await shop(parley).get(`/v3/conversation/${opened.id}/message`)
  assert.equal(listed.body.data.length, 1)
  assert.equal(listed.body.data[0].fromCustomer, true)
  assert.equal(listed.body.data[0].userId, String(parley.demo.users.alice.id))
})

test('a deleted conversation’s messages are a 404 on both message routes', async () => {
  const opened = await openConversation(parley, 'alice', { deleted: true })
  assertShopError(await shop(parley).get(`/v3/conversation/${opened.id}/message`), 404, 'not_found')
  assertShopError(
    await shop(parley).post(`/v3/conversation/${opened.id}/message`, { json: { text: 'hello' } }),
    404,
    'not_found',
  )
})
