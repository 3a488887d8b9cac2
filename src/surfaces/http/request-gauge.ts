import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { type Clock, systemClock } from '../../infra/clock.ts'

/** Each counted request's release, so that an event stream can stop counting once it is open. */
const releases = new WeakMap<FastifyRequest, () => void>()

/**
 * Stops counting `request` as being answered: an open event stream waits on its client, not on this
 * instance, and would otherwise keep the instance busy for as long as the client stays.
 */
export const stopCounting = (request: FastifyRequest) => releases.get(request)?.()

/**
 * Whether this instance is answering requests, so that its background work can give way to them: the outbox
 * worker waits for a quiet moment before each batch, and delivery runs on the CPU that requests leave.
 */
export function createRequestGauge(clock: Clock = systemClock) {
  let answering = 0
  let lastAnsweredAt = 0
  let noneAnswering: PromiseWithResolvers<void> | undefined

  /** Waits for `promise`, or `ms` at most. */
  async function atMost(promise: Promise<void>, ms: number) {
    const settled = new AbortController()
    await Promise.race([promise, clock.sleep(ms, settled.signal)])
    settled.abort()
  }

  return {
    /** How many requests are being answered now (open event streams are not). */
    get answering() {
      return answering
    },

    /** An onRequest hook: counts the request until its response is done or its connection is gone. */
    count(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
      answering += 1
      let counted = true
      const release = () => {
        if (!counted) return
        counted = false
        answering -= 1
        lastAnsweredAt = clock.now()
        if (answering === 0 && noneAnswering) {
          noneAnswering.resolve()
          noneAnswering = undefined
        }
      }
      releases.set(request, release)
      reply.raw.once('close', release)
      done()
    },

    /**
     * Resolves once no request has been answered for `quietMs` — requests that keep coming, even one at a
     * time, mean a busy instance — or after `maxWaitMs` whatever the load.
     */
    async quiet(quietMs: number, maxWaitMs: number) {
      const deadline = clock.now() + maxWaitMs
      for (let now = clock.now(); now < deadline; now = clock.now()) {
        if (answering > 0) {
          noneAnswering ??= Promise.withResolvers<void>()
          await atMost(noneAnswering.promise, deadline - now)
        } else if (now - lastAnsweredAt >= quietMs) {
          return
        } else {
          await clock.sleep(Math.min(quietMs - (now - lastAnsweredAt), deadline - now))
        }
      }
    },
  }
}
