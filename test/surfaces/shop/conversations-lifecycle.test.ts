import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { assertShopError, customerSession, openConversation, shop } from './shop-fixtures.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

const inStorefrontList = async (parley: TestApp, id: unknown) => {
  const storefront = await customerSession(parley, 'alice')
  const list = await storefront.get('/users/conversations/?limit=100')
  assert.equal(list.status, 200)
  return list.body.some((conversation: { id: number }) => String(conversation.id) === id)
}

test('GET /v3/conversation/{id} answers the same data object as create', async () => {
  const opened = await openConversation(parley)
  const response = await shop(parley).get(`/v3/conversation/${opened.id}`)
  assert.equal(response.status, 200)
  assert.deepEqual(response.body, { success: true, data: opened })
  const slash = await shop(parley).get(`/v3/conversation/${opened.id}/`)
  assert.deepEqual(slash.body, response.body, 'a trailing slash is the same route')
})

test('PUT archives and unarchives; an archived conversation stays visible to the customer', async () => {
  const opened = await openConversation(parley)
  const archived = await shop(parley).put(`/v3/conversation/${opened.id}`, { json: { archived: true } })
  assert.equal(archived.status, 200)
  assert.equal(archived.body.success, true)
  assert.equal(archived.body.data.archived, true)
  assert.equal(archived.body.data.id, opened.id)
  assert.ok(Date.parse(archived.body.data.updatedDate) >= Date.parse(opened.updatedDate as string))
  assert.equal((await shop(parley).get(`/v3/conversation/${opened.id}`)).body.data.archived, true)

  assert.ok(await inStorefrontList(parley, opened.id), 'archived is still in the customer’s list')
  const storefront = await customerSession(parley, 'alice')
  assert.equal((await storefront.get(`/users/conversations/${opened.id}/`)).status, 200)

  const unarchived = await shop(parley).put(`/v3/conversation/${opened.id}`, { json: { archived: false } })
  assert.equal(unarchived.body.data.archived, false)
})

test('archiving tells the customer’s open event stream once it has committed', async () => {
  const opened = await openConversation(parley)
  const storefront = await customerSession(parley, 'alice')
  const stream = await openEventStream(`${parley.baseUrl}/users/events`, storefront.cookieHeader())
  await shop(parley).put(`/v3/conversation/${opened.id}`, { json: { archived: true } })
  const [event] = await stream.next(1)
  assert.equal(event?.event, 'conversation.updated')
  assert.deepEqual(event?.data.data, { conversation_id: Number(opened.id), archived: true })
  await stream.close()
})

test('DELETE soft-deletes with the key’s user, a date and the reason from the body', async () => {
  const opened = await openConversation(parley)
  assert.ok(await inStorefrontList(parley, opened.id))
  const response = await shop(parley).delete(`/v3/conversation/${opened.id}`, {
    body: { json: { deletedReason: 'duplicate' } },
  })
  assert.equal(response.status, 200)
  const data = response.body.data
  assert.equal(data.id, opened.id)
  assert.equal(data.deleted, true)
  assert.equal(data.deletedUserId, String(parley.demo.users.staff.id))
  assert.ok(Math.abs(Date.parse(data.deletedDate) - Date.now()) < 60_000, 'deleted now, as an ISO date')
  assert.equal(data.deletedReason, 'duplicate')

  assert.equal(await inStorefrontList(parley, opened.id), false, 'gone from the customer’s list')
  const storefront = await customerSession(parley, 'alice')
  assert.equal((await storefront.get(`/users/conversations/${opened.id}/`)).status, 404)
  const reply = await storefront.post('/users/conversations/', {
    json: {
      conversation: Number(opened.id),
      message_content: 'Hello?',
      user_type: 'registered',
      content_type: 'user',
      content_id: parley.demo.users.alice.id,
    },
  })
  assert.equal(reply.status, 400, 'the customer cannot write to it either')

  const shown = await shop(parley).get(`/v3/conversation/${opened.id}`)
  assert.equal(shown.status, 200, 'the shop still reads it')
  assert.equal(shown.body.data.deleted, true)
})

test('the deletion reason may come from the query; with none it is null', async () => {
  const byQuery = await openConversation(parley)
  const queried = await shop(parley).delete(`/v3/conversation/${byQuery.id}?deletedReason=wrong%20customer`)
  assert.equal(queried.status, 200)
  assert.equal(queried.body.data.deletedReason, 'wrong customer')

  const bare = await openConversation(parley)
  const deleted = await shop(parley).delete(`/v3/conversation/${bare.id}`)
  assert.equal(deleted.status, 200)
  assert.equal(deleted.body.data.deleted, true)
  assert.equal(deleted.body.data.deletedReason, null)
})

test('a deleted conversation cannot be changed or deleted again: 404', async () => {
  const opened = await openConversation(parley, 'alice', { deleted: true })
  assertShopError(await shop(parley).delete(`/v3/conversation/${opened.id}`), 404, 'not_found')
  assertShopError(
    await shop(parley).put(`/v3/conversation/${opened.id}`, { json: { archived: true } }),
    404,
    'not_found',
  )
  assertShopError(await shop(parley).put(`/v3/conversation/${opened.id}`, { json: {} }), 404, 'not_found')
})

test('unknown and malformed ids are a 404 in the envelope on every conversation route', async () => {
  for (const id of ['999999', 'abc', '1.5']) {
    assertShopError(await shop(parley).get(`/v3/conversation/${id}`), 404, 'not_found')
    assertShopError(
      await shop(parley).put(`/v3/conversation/${id}`, { json: { archived: true } }),
      404,
      'not_found',
    )
    assertShopError(await shop(parley).delete(`/v3/conversation/${id}`), 404, 'not_found')
    assertShopError(await shop(parley).get(`/v3/conversation/${id}/message`), 404, 'not_found')
    assertShopError(
      await shop(parley).post(`/v3/conversation/${id}/message`, { json: { text: 'hi' } }),
      404,
      'not_found',
    )
  }
})
