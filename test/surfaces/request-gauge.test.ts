import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { after, before, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { createRequestGauge, stopCounting } from '../../src/surfaces/http/request-gauge.ts'

const gauge = createRequestGauge()
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
  app.addHook('onRequest', gauge.count)
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

/** How long `quiet` took, in ms. */
async function timeQuiet(quietMs: number, maxWaitMs: number) {
  const started = performance.now()
  await gauge.quiet(quietMs, maxWaitMs)
  return performance.now() - started
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

test('an instance with nothing to answer is quiet at once', async () => {
  await fetch(`${origin}/quick`).then((response) => response.text())
  const waited = await timeQuiet(20, 60_000)
  assert.ok(waited < 60_000, `waited out the whole ${waited} ms`)
  assert.ok(waited >= 10, `a request had just been answered, yet it waited only ${waited} ms`)
})

test('a request being answered holds background work back until the longest wait', async () => {
  const pending = await arrived('/held')
  const waited = await timeQuiet(20, 300)
  assert.ok(waited >= 290, `waited only ${waited} ms with a request in flight`)
  releaseHeld()
  await pending.finished
})

test('background work goes ahead soon after the last request is answered', async () => {
  const pending = await arrived('/held')
  let wentAhead = false
  const quiet = timeQuiet(20, 60_000).then((waited) => {
    wentAhead = true
    return waited
  })
  // Many turns of the event loop with the request in flight: quiet has nothing to go ahead on.
  for (let turn = 0; turn < 100; turn += 1) await new Promise((resolve) => setImmediate(resolve))
  assert.equal(wentAhead, false, 'went ahead before the request was answered')
  releaseHeld()
  await pending.finished
  const waited = await quiet
  assert.ok(waited < 60_000, `waited out the whole ${waited} ms after the request was answered`)
})

test('a request whose client went away stops counting', async () => {
  const pending = await arrived('/held')
  pending.abort()
  await pending.finished
  // The event itself: the server saw the connection close and stopped counting, though the handler still waits.
  await until(() => gauge.answering === 0)
  const waited = await timeQuiet(20, 60_000)
  assert.ok(waited < 60_000, `waited out the whole ${waited} ms for a request nobody waits for`)
  releaseHeld()
})

test('an open event stream does not keep the instance busy', async () => {
  const stream = open('/stream')
  await stream.responded
  assert.equal(gauge.answering, 0, 'the open stream is not counted')
  const waited = await timeQuiet(20, 60_000)
  assert.ok(waited < 60_000, `waited out the whole ${waited} ms while a stream was open`)
  stream.abort()
  await stream.finished
})
