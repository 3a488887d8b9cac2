import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { loggedIn } from '../storefront/conversations-fixtures.ts'
import { signedInStaff } from './staff-session.ts'

let parley: TestApp
let inbox: HttpClient
let bob: HttpClient

before(async () => {
  parley = await startTestApp({ runWorkers: false })
  inbox = await signedInStaff(parley)
  bob = await loggedIn(parley, 'bob')
})
after(() => parley.close())

const STATUSES = ['open', 'answered', 'archived', 'deleted'] as const

/** What staff and the customer can do to a conversation, as the inbox and the storefront do it. */
const action = fc.constantFrom(
  'status:open',
  'status:answered',
  'status:archived',
  'archived:false',
  'staff-reply',
  'customer-message',
  'read',
  'delete',
)

async function apply(id: number, step: string) {
  const [kind, value] = step.split(':')
  if (kind === 'status') return inbox.patch(`/api/conversations/${id}/`, { json: { status: value } })
  if (kind === 'archived') return inbox.patch(`/api/conversations/${id}/`, { json: { archived: false } })
  if (kind === 'staff-reply')
    return inbox.post(`/api/conversations/${id}/messages/`, { json: { text: 'Staff' } })
  if (kind === 'read') return inbox.post(`/api/conversations/${id}/read/`)
  if (kind === 'delete')
    return inbox.delete(`/api/conversations/${id}/`, { body: { json: { reason: 'Test' } } })
  return bob.post('/users/conversations/', {
    json: {
      conversation: id,
      message_content: 'Customer',
      user_type: 'registered',
      content_type: 'user',
      content_id: parley.demo.users.bob.id,
    },
  })
}

test('whatever happens to a conversation, it is listed under exactly one status, the one it shows', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { maxLength: 6 }), async (steps) => {
      const created = await bob.post('/users/conversations/', {
        json: {
          message_content: 'Hello',
          user_type: 'registered',
          content_type: 'user',
          content_id: parley.demo.users.bob.id,
        },
      })
      assert.equal(created.status, 201)
      const id = created.body.id as number
      for (const step of steps) assert.ok((await apply(id, step)).status < 500, step)
      const shown = (await inbox.get(`/api/conversations/${id}/`)).body
      const listedUnder = []
      for (const status of STATUSES) {
        const page = await inbox.get(`/api/conversations/?status=${status}&search=Hello&page_size=100`)
        if (page.body.results.some((item: { id: number }) => item.id === id)) listedUnder.push(status)
      }
      assert.deepEqual(listedUnder, [shown.status], `after ${steps.join(', ')}`)
      const everyLive = await inbox.get('/api/conversations/?search=Hello&page_size=100')
      const inDefault = everyLive.body.results.some((item: { id: number }) => item.id === id)
      assert.equal(inDefault, shown.status !== 'deleted')
      // The staff's unread count: the customer's messages since the staff last read or wrote.
      if (shown.status !== 'deleted') {
        const unread = await inbox.get('/api/conversations/?unread=true&search=Hello&page_size=100')
        const isUnread = unread.body.results.some((item: { id: number }) => item.id === id)
        assert.equal(isUnread, shown.unread_count > 0)
      }
    }),
    { numRuns: Number(process.env.PARLEY_FUZZ_RUNS ?? 12), seed: Number(process.env.PARLEY_FUZZ_SEED ?? 23) },
  )
})
