import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { type Scrape, scrape } from '../../helpers/metrics.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { openEventStream } from '../../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, vendorLogin } from '../vendor/fixtures.ts'

const TOKEN = 'metrics-token-for-the-test'
let smtp: SmtpSink
let parley: TestApp
let metricsUrl: string

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    env: {
      SMTP_URL: smtp.url,
      METRICS_TOKEN: TOKEN,
      METRICS_PORT: '0',
      CONTACT_US_EMAIL_TO: JSON.stringify({ default: ['support@parley.test'] }),
      OUTBOX_MAX_ATTEMPTS: '2',
    },
  })
  metricsUrl = `http://127.0.0.1:${parley.app.metricsAddress?.()?.port}/metrics`
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** How much a sample grew between two scrapes (absent counts as 0). */
const grew = (before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}) =>
  (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)

/** Scrapes until `done` holds of a scrape: the worker's outcome is known once it is counted. */
async function scrapeUntil(done: (scraped: Scrape) => boolean) {
  // A deadline no load reaches, so an outcome that is never counted fails the test instead of hanging it.
  const deadline = Date.now() + 30_000
  for (;;) {
    const scraped = await scrape(metricsUrl, TOKEN)
    if (done(scraped)) return scraped
    assert.ok(Date.now() < deadline, 'the scrape never showed the outcome waited for')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

test('/metrics asks for the bearer token on either port', async () => {
  for (const url of [metricsUrl, `${parley.baseUrl}/metrics`]) {
    const anonymous = await fetch(url)
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}x` } })
    assert.equal(wrong.status, 401)
    const right = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })
    assert.equal(right.status, 200)
    assert.match(right.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
  }
  const probes = await Promise.all(
    ['/healthz', '/readyz'].map((path) => fetch(metricsUrl.replace('/metrics', path))),
  )
  assert.deepEqual(
    probes.map((probe) => probe.status),
    [200, 200],
  )
})

test('without METRICS_TOKEN, the public port serves no /metrics', async () => {
  const other = await startTestApp({ shared: { database: parley.database, dataDir: parley.dataDir } })
  try {
    assert.equal((await fetch(`${other.baseUrl}/metrics`)).status, 404)
    assert.equal(other.app.metricsAddress, undefined, 'and no metrics listener without METRICS_PORT')
  } finally {
    await other.close()
  }
})

test('a scripted session moves the counts it should', async () => {
  const before = await scrape(metricsUrl, TOKEN)
  assert.ok((before.value('process_resident_memory_bytes') ?? 0) > 0, 'Node’s default metrics are there')
  assert.notEqual(before.value('nodejs_eventloop_lag_seconds'), undefined)
  assert.notEqual(before.value('nodejs_heap_size_used_bytes'), undefined)
  assert.equal(before.value('parley_http_requests_in_flight'), 0)
  if (parley.database.engine === 'postgres') {
    assert.ok((before.value('parley_db_pool_connections', { state: 'total' }) ?? 0) >= 1)
    assert.equal(before.value('parley_db_pool_connections', { state: 'waiting' }), 0)
  } else {
    assert.equal(
      before.value('parley_db_pool_connections', { state: 'total' }),
      undefined,
      'PGlite has no pool',
    )
  }

  // Realtime: a stream resumed from a Last-Event-ID, and the events of a dialog alice opens.
  const alice = await vendorLogin(parley, 'alice')
  const stream = await openEventStream(`${parley.baseUrl}/vendor/events`, {
    ...alice.cookieHeader(),
    'last-event-id': '0',
  })
  const productId = await addProduct(parley, 'Metered part')
  const opened = await alice.post('/vendor/conversations', { json: { product_id: productId, message: 'Hi' } })
  assert.equal(opened.status, 201)
  const conversationId = opened.body.data.id
  await stream.next(2)
  assert.equal((await alice.get(`/vendor/conversations/${conversationId}/messages`)).status, 200)
  assert.equal((await fetch(`${parley.baseUrl}/no/such/${conversationId}`)).status, 404)

  // The outbox: one email queued while the worker is stopped, one delivered at the second attempt, and one
  // given up on after its two.
  const browser = await guestBrowser(parley)
  await parley.app.outbox.stop()
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  const queued = await scrape(metricsUrl, TOKEN)
  assert.equal(queued.value('parley_outbox_queued', { kind: 'email' }), 1)
  assert.ok((queued.value('parley_outbox_oldest_age_seconds', { kind: 'email' }) ?? 0) > 0)
  smtp.refuse(1)
  await parley.app.outbox.start()
  await smtp.waitFor(1)
  smtp.refuse(2)
  assert.equal((await browser.post('/users/contact-us/', { json: validForm(parley) })).status, 200)
  // The worker counts a send as it ends and records the batch after: wait for both.
  const after = await scrapeUntil(
    (scraped) =>
      grew(before, scraped, 'parley_outbox_failed_total', { kind: 'email' }) === 1 &&
      scraped.value('parley_outbox_queued', { kind: 'email' }) === 0,
  )

  assert.equal(grew(before, after, 'parley_outbox_delivered_total', { kind: 'email' }), 1)
  assert.equal(grew(before, after, 'parley_outbox_retried_total', { kind: 'email' }), 2)
  assert.equal(after.value('parley_outbox_queued', { kind: 'email' }), 0)
  assert.equal(after.value('parley_outbox_oldest_age_seconds', { kind: 'email' }), 0)

  assert.equal(after.value('parley_realtime_open_streams', { surface: 'vendor' }), 1)
  assert.ok(grew(before, after, 'parley_realtime_events_sent_total', { surface: 'vendor' }) >= 2)
  assert.equal(grew(before, after, 'parley_realtime_replays_total', { surface: 'vendor' }), 1)
  // Alice's session was checked once and then answered from the credentials cache; nothing lost the listener.
  assert.ok(grew(before, after, 'parley_cache_hits_total', { cache: 'credentials' }) >= 1)
  assert.ok((after.value('parley_cache_entries', { cache: 'credentials' }) ?? 0) >= 1)
  assert.notEqual(after.value('parley_cache_misses_total', { cache: 'shown' }), undefined)
  assert.equal(after.value('parley_realtime_listen_reconnects_total', { connection: 'listener' }), 0)

  const requests = (route: string, method: string, statusClass: string) =>
    grew(before, after, 'parley_http_request_duration_seconds_count', {
      route,
      method,
      status_class: statusClass,
    })
  assert.equal(requests('/users/contact-us/', 'POST', '2xx'), 2)
  assert.equal(requests('/vendor/conversations', 'POST', '2xx'), 1)
  assert.equal(requests('/vendor/conversations/:id/messages', 'GET', '2xx'), 1)
  assert.equal(requests('unmatched', 'GET', '4xx'), 1)
  assert.doesNotMatch(
    after.text,
    new RegExp(`route="[^"]*/${conversationId}\\b`),
    'routes by pattern, not URL',
  )

  await stream.close()
  const closed = await scrapeUntil(
    (scraped) => scraped.value('parley_realtime_open_streams', { surface: 'vendor' }) === 0,
  )
  assert.equal(closed.value('parley_realtime_open_streams', { surface: 'vendor' }), 0)
})
