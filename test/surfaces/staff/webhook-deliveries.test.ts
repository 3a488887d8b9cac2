import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { createWebhookWorker, type WebhookWorker } from '../../../src/jobs/webhook-worker.ts'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { type HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { type Answer, startWebhookReceiver, type WebhookReceiver } from '../../helpers/webhook-receiver.ts'
import { otherCompany } from './other-company.ts'

let parley: TestApp
let admin: HttpClient
let worker: WebhookWorker
/** How far the worker's clock runs ahead of the real one. */
let ahead = 0

before(async () => {
  parley = await startTestApp({
    runWorkers: false,
    env: { WEBHOOK_ALLOW_LOOPBACK: 'true', CONTACT_US_RATE_PER_MINUTE: '1000' },
  })
  admin = withToken(parley.baseUrl, parley.demo.users.admin.token)
  worker = createWebhookWorker({
    database: parley.database,
    listener: parley.app.listener,
    log: { warn: () => {}, error: () => {} },
    pollMs: 50,
    post: { allowLoopback: true, totalTimeoutMs: 2_000 },
    clock: () => new Date(Date.now() + ahead),
    mailDomain: 'parley.test',
    wakeOutbox: () => {},
  })
})
after(() => parley.close())

type Endpoint = { id: number; secret: string; receiver: WebhookReceiver; remove(): Promise<void> }

async function endpointFor(
  answer: (index: number) => Answer,
  events = ['contact.created'],
): Promise<Endpoint> {
  let index = 0
  const receiver = await startWebhookReceiver(() => answer(index++))
  const created = await admin.post('/api/webhook-endpoints/', { json: { url: receiver.url, events } })
  assert.equal(created.status, 201)
  return {
    id: created.body.id,
    secret: created.body.secret,
    receiver,
    async remove() {
      await admin.delete(`/api/webhook-endpoints/${created.body.id}/`)
      await receiver.close()
    },
  }
}

async function submitForm() {
  const browser = await guestBrowser(parley)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
}

test('an endpoint’s deliveries list their attempts: status, latency, the start of the answer, next retry', async () => {
  const endpoint = await endpointFor((index) => ({
    status: index === 0 ? 502 : 200,
    body: 'x'.repeat(5_000),
  }))
  try {
    await submitForm()
    await worker.runOnce()
    const pending = await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)
    assert.equal(pending.status, 200)
    assert.equal(pending.body.count, 1)
    const [delivery] = pending.body.results
    assert.equal(delivery.status, 'pending')
    assert.equal(delivery.event_type, 'contact.created')
    assert.equal(delivery.event_id, endpoint.receiver.received[0]?.headers['webhook-id'])
    assert.equal(delivery.attempt_count, 1)
    assert.equal(delivery.last_status_code, 502)
    assert.ok(Date.parse(delivery.next_attempt_at) > Date.now())
    assert.equal(delivery.attempts.length, 1)
    assert.equal(delivery.attempts[0].status_code, 502)
    assert.equal(delivery.attempts[0].response_body.length, 1000)
    assert.equal(typeof delivery.attempts[0].latency_ms, 'number')
    ahead += 10_000
    await worker.runOnce()
    const done = await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/?status=succeeded`)
    assert.equal(done.body.count, 1)
    assert.equal(done.body.results[0].next_attempt_at, null)
    assert.deepEqual(
      done.body.results[0].attempts.map((attempt: { status_code: number }) => attempt.status_code),
      [502, 200],
    )
    const none = await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/?status=failed`)
    assert.deepEqual(none.body, { count: 0, next: null, previous: null, results: [] })
    const wrong = await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/?status=lost`)
    assert.equal(wrong.status, 400)
    assert.deepEqual(Object.keys(wrong.body), ['status'])
  } finally {
    await endpoint.remove()
  }
})

test('a delivery is resent at once under its webhook-id', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    await submitForm()
    await worker.runOnce()
    const listed = await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)
    const [delivery] = listed.body.results
    assert.equal(delivery.status, 'succeeded')
    const resent = await admin.post(`/api/webhook-deliveries/${delivery.id}/resend/`)
    assert.equal(resent.status, 202)
    assert.equal(resent.body.status, 'pending')
    assert.equal(resent.body.attempt_count, 0)
    assert.equal((await worker.runOnce()).claimed, 1)
    const ids = endpoint.receiver.received.map((request) => request.headers['webhook-id'])
    assert.deepEqual(ids, [delivery.event_id, delivery.event_id])
    assert.equal((await admin.post('/api/webhook-deliveries/999999999/resend/')).status, 404)
  } finally {
    await endpoint.remove()
  }
})

test('a time range is replayed: its events only, oldest first, each under its own webhook-id', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    await submitForm()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const since = new Date()
    await submitForm()
    await submitForm()
    const until = new Date()
    await new Promise((resolve) => setTimeout(resolve, 20))
    await submitForm()
    await worker.runOnce()
    const firstRound = endpoint.receiver.received.map((request) => String(request.headers['webhook-id']))
    assert.equal(firstRound.length, 4)
    const replayed = await admin.post(`/api/webhook-endpoints/${endpoint.id}/replay/`, {
      json: { since: since.toISOString(), until: until.toISOString() },
    })
    assert.equal(replayed.status, 202)
    assert.deepEqual(replayed.body, { queued: 2 })
    await worker.runOnce()
    await worker.runOnce()
    const again = endpoint.receiver.received.slice(4).map((request) => String(request.headers['webhook-id']))
    assert.deepEqual(again.sort(), firstRound.slice(1, 3).sort())

    const bad: [Record<string, unknown>, string[]][] = [
      [{}, ['since', 'until']],
      [{ since: 'yesterday', until: until.toISOString() }, ['since']],
      [{ since: until.toISOString(), until: since.toISOString() }, ['until']],
    ]
    for (const [body, fields] of bad) {
      const refused = await admin.post(`/api/webhook-endpoints/${endpoint.id}/replay/`, { json: body })
      assert.equal(refused.status, 400, JSON.stringify(body))
      assert.deepEqual(Object.keys(refused.body).sort(), fields)
    }
  } finally {
    await endpoint.remove()
  }
})

test('a test event reaches the endpoint signed, and no other endpoint', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  const bystander = await endpointFor(() => ({ status: 200 }), ['*'])
  try {
    const sent = await admin.post(`/api/webhook-endpoints/${endpoint.id}/test/`)
    assert.equal(sent.status, 202)
    assert.equal(sent.body.event_type, 'webhook.test')
    await worker.runOnce()
    const [request] = endpoint.receiver.received
    assert.ok(request)
    const event = new Webhook(endpoint.secret).verify(request.body, request.headers as never) as {
      type: string
      data: { endpoint_id: string }
    }
    assert.equal(event.type, 'webhook.test')
    assert.equal(event.data.endpoint_id, String(endpoint.id))
    assert.equal(bystander.receiver.received.length, 0)
  } finally {
    await endpoint.remove()
    await bystander.remove()
  }
})

test('after a rotation both secrets sign until the window ends, then only the new one', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    const rotated = await admin.post(`/api/webhook-endpoints/${endpoint.id}/rotate-secret/`)
    const fresh = rotated.body.secret as string
    await submitForm()
    await worker.runOnce()
    const [during] = endpoint.receiver.received
    assert.ok(during)
    assert.equal(String(during.headers['webhook-signature']).split(' ').length, 2)
    for (const secret of [endpoint.secret, fresh]) {
      assert.equal(
        (new Webhook(secret).verify(during.body, during.headers as never) as { type: string }).type,
        'contact.created',
      )
    }
    ahead += 25 * 3_600_000
    await submitForm()
    await worker.runOnce()
    const afterwards = endpoint.receiver.received[1]
    assert.ok(afterwards)
    assert.equal(String(afterwards.headers['webhook-signature']).split(' ').length, 1)
    new Webhook(fresh).verify(afterwards.body, afterwards.headers as never)
    assert.throws(() => new Webhook(endpoint.secret).verify(afterwards.body, afterwards.headers as never), {
      name: 'WebhookVerificationError',
      message: 'No matching signature found',
    })
  } finally {
    await endpoint.remove()
  }
})

test('another company cannot list, resend, replay or test this company’s deliveries', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    await submitForm()
    await worker.runOnce()
    const [delivery] = (await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)).body.results
    const other = await otherCompany(parley)
    const user = await parley.app.domain.accounts.createUser({
      companyId: other.companyId,
      email: `admin-${Date.now()}@other.test`,
      isSuperuser: true,
    })
    const stranger = withToken(parley.baseUrl, await parley.app.domain.accounts.createApiKey(user.id))
    const range = { since: new Date(0).toISOString(), until: new Date().toISOString() }
    for (const response of [
      await stranger.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`),
      await stranger.post(`/api/webhook-deliveries/${delivery.id}/resend/`),
      await stranger.post(`/api/webhook-endpoints/${endpoint.id}/replay/`, { json: range }),
      await stranger.post(`/api/webhook-endpoints/${endpoint.id}/test/`),
    ]) {
      assert.equal(response.status, 404)
    }
    const staff = withToken(parley.baseUrl, parley.demo.users.staff.token)
    assert.equal((await staff.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)).status, 403)
    assert.equal((await staff.post(`/api/webhook-deliveries/${delivery.id}/resend/`)).status, 403)
    await worker.runOnce()
    assert.equal(endpoint.receiver.received.length, 1)
  } finally {
    await endpoint.remove()
  }
})

test('events are kept 30 days for replay, then purged with their deliveries', async () => {
  const endpoint = await endpointFor(() => ({ status: 200 }))
  try {
    await submitForm()
    await submitForm()
    await worker.runOnce()
    const [old, recent] = (
      await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)
    ).body.results.reverse()
    await parley.db.execute(sql`update webhook_events set created_at = now() - interval '31 days'
      where webhook_id = ${old.event_id}`)
    await parley.app.domain.webhooks.purgeExpired()
    const left = (await admin.get(`/api/webhook-endpoints/${endpoint.id}/deliveries/`)).body.results
    assert.deepEqual(
      left.map((delivery: { event_id: string }) => delivery.event_id),
      [recent.event_id],
    )
  } finally {
    await endpoint.remove()
  }
})
