import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { after, before, beforeEach, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { createRequestGauge, stopCounting } from '../../src/surfaces/http/request-gauge.ts'
import { type ManualClock, manualClock } from '../helpers/manual-clock.ts'

// A gauge per test, on a clock the test moves: how long `quiet` waits is read from the sleeps it begins.
let clock: ManualClock
let gauge: ReturnType<typeof createRequestGauge>
beforeEach(() => {
  clock = manualClock()
  gauge = createRequestGauge(clock)
})
let app: FastifyInstance
let origin: string
let held = Promise.withResolvers<void>()

/** Ends the requests to /held that are waiting. */
function releaseHeld() {
  held.resolve()
  held = Promise.withResolvers<void>()
}

before(async () => {
  app = Fastify({ logger: false })
  app.addHook('onRequest', (request, reply, done) => gauge.count(request, reply, done))
  app.get('/quick', async () => ({ ok: true }))
  app.get('/held', async () => {
    await held.promise
    return { ok: true }
  })
  app.get('/stream', (request, reply) => {
    reply.hijack()
    stopCounting(request)
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' })
    reply.raw.write(': open\n\n')
  })
  origin = await app.listen({ port: 0, host: '127.0.0.1' })
})
after(async () => {
  releaseHeld()
  await app.close()
})

/** Starts a GET whose response has begun once the promise resolves; `abort` drops its connection. */
function open(path: string) {
  const responded = Promise.withResolvers<void>()
  const finished = Promise.withResolvers<void>()
  const sent = httpRequest(`${origin}${path}`, { agent: false }, (response) => {
    responded.resolve()
    response.resume()
    response.on('end', () => finished.resolve())
  })
  sent.on('error', () => finished.resolve())
  sent.on('close', () => finished.resolve())
  sent.end()
  return { responded: responded.promise, finished: finished.promise, abort: () => sent.destroy() }
}

/** Starts `quiet`; `done` tells whether it has resolved. */
function startQuiet(quietMs: number, maxWaitMs: number) {
  const state = { done: false, promise: Promise.resolve() }
  state.promise = gauge.quiet(quietMs, maxWaitMs).then(() => {
    state.done = true
  })
  return state
}

/**
 * Resolves once `check` holds, looking again on each turn of the event loop; fails only if it never does
 * (30 s, a bound no load reaches), so a broken gauge fails the test rather than hanging it.
 */
async function until(check: () => boolean, what = 'the gauge to change') {
  const deadline = performance.now() + 30_000
  while (!check()) {
    assert.ok(performance.now() < deadline, `gave up waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** Waits until the server has begun answering `path`: the gauge has counted it. */
async function arrived(path: string) {
  const before = gauge.answering
  const started = open(path)
  await until(() => gauge.answering > before)
  return started
}

test('an instance with nothing to answer is quiet once its last answer is the quiet time old', async () => {
  await fetch(`${origin}/quick`).then((response) => response.text())
  await until(() => gauge.answering === 0)
  const quiet = startQuiet(20, 60_000)
  await clock.slept(1)
  assert.equal(clock.sleeping()[0]?.ms, 20, 'a request had just been answered: it waits the quiet time')
  clock.advance(19)
  assert.equal(clock.sleeping().length, 1, 'and not a moment less')
  clock.advance(1)
  await quiet.promise
})

test('a request being answered holds background work back until the longest wait', async () => {
  const pending = await arrived('/held')
  const quiet = startQuiet(20, 300)
  await clock.slept(1)
  assert.equal(clock.sleeping()[0]?.ms, 300, 'with a request in flight it waits the longest wait')
  clock.advance(299)
  assert.equal(quiet.done, false)
  assert.equal(clock.sleeping().length, 1, 'and not a moment less')
  clock.advance(1)
  await quiet.promise
  releaseHeld()
  await pending.finished
})

test('background work goes ahead the quiet time after the last request is answered', async () => {
  const pending = await arrived('/held')
  const quiet = startQuiet(20, 60_000)
  await clock.slept(1)
  releaseHeld()
  await pending.finished
  // The answer ends the longest wait early; what remains is the quiet time after it.
  await clock.slept(2)
  assert.equal(quiet.done, false, 'the answer alone does not let it go ahead')
  assert.deepEqual(
    clock.sleeping().map((sleep) => sleep.ms),
    [20],
  )
  clock.advance(20)
  await quiet.promise
})

test('a request whose client went away stops counting', async () => {
  const pending = await arrived('/held')
  pending.abort()
  await pending.finished
  // The event itself: the server saw the connection close and stopped counting, though the handler still waits.
  await until(() => gauge.answering === 0)
  const quiet = startQuiet(20, 60_000)
  await clock.slept(1)
  assert.equal(clock.sleeping()[0]?.ms, 20, 'it waits the quiet time only, for a request nobody waits for')
  clock.advance(20)
  await quiet.promise
  releaseHeld()
})

test('an open event stream does not keep the instance busy', async () => {
  const stream = open('/stream')
  await stream.responded
  assert.equal(gauge.answering, 0, 'the open stream is not counted')
  const quiet = startQuiet(20, 60_000)
  await clock.slept(1)
  assert.equal(clock.sleeping()[0]?.ms, 20, 'it waits the quiet time only while a stream is open')
  clock.advance(20)
  await quiet.promise
  stream.abort()
  await stream.finished
})
