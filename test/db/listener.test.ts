import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { ChannelHandlers } from '../../src/db/listener.ts'
import { openEventStream } from '../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { customerMessage, loggedIn, sellerMessage } from '../surfaces/storefront/conversations-fixtures.ts'

// PGlite's notifications are in-process: only a PostgreSQL server can drop the listening connection.
const onPostgres = process.env.DATABASE_URL?.startsWith('postgres') ?? false
const needsServer = onPostgres ? false : 'PGlite cannot lose its listener'

/** Holds the listener's reconnections while `closed`, so a test can write while the instance is deaf. */
function retryGate() {
  let open = Promise.resolve()
  let release = () => {}
  return {
    wait: () => open,
    close() {
      open = new Promise((resolve) => {
        release = resolve
      })
    },
    open: () => release(),
  }
}

const gate = retryGate()
let parley: TestApp

before(async () => {
  parley = await startTestApp({ runWorkers: false, listenerRetry: () => gate.wait() })
})
after(() => parley.close())

/** A subscriber of its own on the app's listener, to wait for the instance to go deaf and to hear again. */
async function probe() {
  const waiting: { kind: 'heard' | 'deaf'; resolve: () => void }[] = []
  const tell = (kind: 'heard' | 'deaf') => () => {
    for (const waiter of waiting.filter((entry) => entry.kind === kind)) waiter.resolve()
  }
  const handlers: ChannelHandlers = { notify: () => {}, heard: tell('heard'), deaf: tell('deaf') }
  const unsubscribe = await parley.app.listener.subscribe('parley_test_probe', handlers)
  const next = (kind: 'heard' | 'deaf') =>
    new Promise<void>((resolve) => {
      const entry = { kind, resolve: () => resolve() }
      waiting.push(entry)
    })
  return { next, unsubscribe }
}

/** Ends every other backend of the test's database: the listener's connection and the pool's. */
async function terminateBackends() {
  await parley.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid()`)
}

/** Alice's conversation with the demo seller, and Alice's event stream, opened after it began. */
async function conversationWithStream() {
  const alice = await loggedIn(parley, 'alice')
  const seller = await loggedIn(parley, 'seller')
  const aliceId = parley.demo.users.alice?.id ?? 0
  const bmw = parley.demo.sellers.bmw.id
  const created = await alice.post('/users/conversations/', customerMessage(aliceId, { datasource: bmw }))
  assert.equal(created.status, 201)
  const stream = await openEventStream(`${parley.baseUrl}/users/events`, alice.cookieHeader())
  assert.equal(stream.status, 200)
  const reply = async (text: string) => {
    const response = await seller.post(
      '/users/conversations/',
      sellerMessage(bmw, { conversation: created.body.id, message_content: text }),
    )
    assert.equal(response.status, 201)
  }
  const texts = () =>
    stream.events
      .filter((event) => event.event === 'message.created')
      .map((event) => event.data.data.message.text)
  return { stream, reply, texts }
}

test('the listener reports every channel it hears', () => {
  const status = parley.app.listener.status()
  assert.equal(status.listening, true)
  assert.equal(parley.app.listener.isListening(), true)
  for (const channel of ['parley_events', 'parley_credentials', 'parley_shown']) {
    assert.equal(status.channels[channel], true, `${channel} is heard`)
  }
})

test('after the database drops every connection, an open stream receives the next message', {
  skip: needsServer,
}, async () => {
  const { stream, reply, texts } = await conversationWithStream()
  const reconnectionsBefore = parley.app.listener.status().reconnections
  const watch = await probe()
  const deaf = watch.next('deaf')
  const heard = watch.next('heard')
  await terminateBackends()
  await deaf
  await heard
  assert.equal(parley.app.listener.isListening(), true)
  await reply('after the loss')
  await stream.next(1)
  assert.deepEqual(texts(), ['after the loss'])
  assert.ok(parley.app.listener.status().reconnections > reconnectionsBefore, 'the reconnection is counted')
  watch.unsubscribe()
  await stream.close()
})

test('a message written while the instance was deaf reaches an open stream once it listens again', {
  skip: needsServer,
}, async () => {
  const { stream, reply, texts } = await conversationWithStream()
  const watch = await probe()
  const deaf = watch.next('deaf')
  gate.close()
  await terminateBackends()
  await deaf
  const status = parley.app.listener.status()
  assert.equal(status.listening, false)
  assert.equal(status.channels.parley_events, false)
  for (const cache of parley.app.cacheStats())
    assert.equal(cache.size, 0, `${cache.name} holds nothing while deaf`)
  // Announced to no one: only the catch-up on hearing again can bring it to the stream.
  await reply('while deaf')
  assert.deepEqual(texts(), [])
  const heard = watch.next('heard')
  gate.open()
  await heard
  await stream.next(1)
  assert.deepEqual(texts(), ['while deaf'])
  watch.unsubscribe()
  await stream.close()
})
