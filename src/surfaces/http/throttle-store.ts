import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Throttle } from '../../domain/throttles/throttle.ts'

/**
 * A store for @fastify/rate-limit that counts in the database (the domain's throttle), so the limit holds
 * across every instance: counted in each process's memory, N instances allowed N times the limit.
 */
export function sharedRateLimitStore(throttle: Throttle): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ) {
      throttle.count([key], timeWindow).then(
        ([hit]) => callback(null, { current: hit?.hits ?? 1, ttl: hit?.retryAfterMs ?? timeWindow }),
        (error: Error) => callback(error),
      )
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
}
