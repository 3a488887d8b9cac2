import type { Database } from '../db/client.ts'
import type { Listener } from '../db/listener.ts'
import {
  type AttemptOutcome,
  type ClaimedDelivery,
  deliveriesRepository,
} from '../domain/webhooks/deliveries-repository.ts'
import { DISABLE_AFTER_FAILING_MS, retryDelayMs } from '../domain/webhooks/retry-schedule.ts'
import { signedHeaders } from '../domain/webhooks/signing.ts'
import { WEBHOOKS_CHANNEL } from '../domain/webhooks/webhook-queue.ts'
import {
  keptConnections,
  type PostPolicy,
  RefusedDestination,
  safePost,
} from '../infra/webhooks/safe-post.ts'
import type { JobLog } from './job-log.ts'

export type WebhookWorkerOptions = {
  database: Database
  /** Wakes the worker when another instance queues a delivery, and once it hears again after a loss. */
  listener: Listener
  log: JobLog
  pollMs: number
  post: PostPolicy
  /**
   * The time deliveries are scheduled by (due, retried, failing since): a test moves it forward instead of
   * waiting hours. Signatures carry the real time, which receivers check against their own clocks.
   */
  clock?: () => Date
  /**
   * Deliveries this instance has in flight at once (default 32), and at most this many to one endpoint (16),
   * or to one whose last attempt failed (4): a prompt receiver under load, each of its slots waiting on the
   * database between two attempts, has enough to keep up, and one that stalls holds half the slots only until
   * its first attempts time out.
   */
  concurrency?: number
  perEndpoint?: number
  perFailingEndpoint?: number
  /** How long a claimed delivery is reserved; above the 15 s an attempt may take, with room to record it. */
  leaseMs?: number
  /** Names the Message-ID of the email telling admins their endpoint was disabled. */
  mailDomain: string
  /** Has the outbox's emails delivered once queued and committed (see createDomain's `wakeOutbox`). */
  wakeOutbox: () => void
}

/** How long news waits while endpoints at their cap hold deliveries back (see newsHeldUntil). */
const HELD_NEWS_MS = 100

/** How much of a receiver's answer is kept with each attempt, for an admin to read. */
const KEPT_BODY_CHARACTERS = 1000

/**
 * Delivers the webhook outbox: claims due deliveries (shared safely by every instance), signs and POSTs each
 * with SSRF protection, and reschedules failures on Svix's schedule. Deliveries run side by side up to
 * `concurrency`, each endpoint taking at most `perEndpoint` of them, so a slow receiver holds back neither
 * the others nor any request: nothing here runs in a request's path. An endpoint whose every attempt has
 * failed for five days is disabled, and its company's admins emailed. At least once: the `webhook-id` is the
 * event's, the same for every attempt.
 */
export function createWebhookWorker(options: WebhookWorkerOptions) {
  const { database, log } = options
  const clock = options.clock ?? (() => new Date())
  const concurrency = options.concurrency ?? 32
  const perEndpoint = options.perEndpoint ?? 16
  const perFailingEndpoint = Math.min(options.perFailingEndpoint ?? 4, perEndpoint)
  const leaseMs = options.leaseMs ?? 60_000
  // The worker's own, closed when it stops (see keptConnections).
  const connections = keptConnections()
  const post = { ...options.post, connections }
  let running = false
  let loop: Promise<void> | undefined
  let interrupt: (() => void) | undefined
  let newsWhileBusy = false
  let unlisten: (() => void) | undefined
  /** Deliveries under way, by endpoint. */
  const inFlight = new Map<number, Set<Promise<void>>>()
  const inFlightCount = () => [...inFlight.values()].reduce((sum, set) => sum + set.size, 0)
  const tally = { delivered: 0, retried: 0, failed: 0 }
  /** Attempts made and not yet recorded, each with the delivery waiting on its record (see recordWaiting). */
  let unrecorded: { outcome: AttemptOutcome; recorded: () => void }[] = []
  let recording: Promise<void> | undefined
  /**
   * Until when news of queued deliveries waits to resume the loop: set while endpoints at their cap left due
   * deliveries unclaimed (a stalled receiver's backlog, say), since claiming again at every write would scan
   * those each time, back to back. A finished delivery frees a slot and resumes it at once.
   */
  let newsHeldUntil = 0
  let heldNews: NodeJS.Timeout | undefined
  /** When blocked deliveries were last set aside (see deferBlocked). */
  let deferredAt = Number.NEGATIVE_INFINITY

  async function attempt(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const body = JSON.stringify({
      type: delivery.type,
      timestamp: delivery.eventCreatedAt.toISOString(),
      data: delivery.payload,
    })
    const attemptedAt = clock()
    const started = performance.now()
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks',
      ...signedHeaders(delivery.secrets, delivery.webhookId, new Date(), body),
    }
    let statusCode: number | null = null
    let responseBody = ''
    let error: string | null = null
    try {
      const answer = await safePost(delivery.url, headers, body, post)
      statusCode = answer.statusCode
      responseBody = answer.body.slice(0, KEPT_BODY_CHARACTERS)
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught)
      if (!(caught instanceof RefusedDestination)) error = `could not deliver: ${error}`
    }
    const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300
    const delay = succeeded ? null : retryDelayMs(delivery.attempts)
    if (succeeded) tally.delivered++
    else if (delay === null) tally.failed++
    else tally.retried++
    if (!succeeded) {
      // The URL is the admin's own configuration; the answer's body stays in the database, not the log.
      log.warn(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          attempts: delivery.attempts,
          statusCode,
          error,
        },
        'webhook delivery failed',
      )
    }
    return {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      attemptedAt,
      succeeded,
      statusCode,
      latencyMs: Math.round(performance.now() - started),
      responseBody,
      error: error === null ? null : error.slice(0, 1000),
      retryAt: delay === null ? null : new Date(attemptedAt.getTime() + delay),
    }
  }

  async function deliver(delivery: ClaimedDelivery) {
    const outcome = await attempt(delivery)
    await new Promise<void>((recorded) => {
      unrecorded.push({ outcome, recorded })
      recordWaiting()
    })
  }

  /**
   * Records the attempts that finished while the last record was being written, in one statement: a
   * statement per attempt made recording cost more than delivering to a fast receiver. The first waits for
   * nothing.
   */
  function recordWaiting() {
    if (recording || unrecorded.length === 0) return
    const batch = unrecorded
    unrecorded = []
    recording = record(batch.map((attempted) => attempted.outcome)).finally(() => {
      recording = undefined
      for (const attempted of batch) attempted.recorded()
      recordWaiting()
    })
  }

  async function record(outcomes: AttemptOutcome[]) {
    try {
      const disabled = await deliveriesRepository.record(database.db, outcomes, {
        disableAfterMs: DISABLE_AFTER_FAILING_MS,
        mailDomain: options.mailDomain,
      })
      for (const endpoint of disabled) {
        log.warn(
          {
            endpointId: endpoint.id,
            failingSince: endpoint.failingSince,
            admins: endpoint.adminEmails.length,
          },
          'webhook endpoint disabled after failing for days; its admins are emailed',
        )
      }
      if (disabled.length > 0) options.wakeOutbox()
    } catch (error) {
      // The leases run out and the deliveries go again, under the same webhook-ids.
      const deliveryIds = outcomes.map((outcome) => outcome.deliveryId)
      log.error({ err: error, deliveryIds }, 'webhook worker could not record attempts')
    }
  }

  /** Leases up to `limit` due deliveries, within each endpoint's cap less the attempts `taken` to it here. */
  const claim = (limit: number, taken: ReadonlyMap<number, number>) =>
    deliveriesRepository.claim(database.db, {
      limit,
      perEndpoint,
      perFailingEndpoint,
      inFlight: taken,
      leaseMs,
      now: clock(),
    })

  /** Delivers what is due now, all of it side by side, and waits for it: for tests and one-off runs. */
  async function runOnce(): Promise<{ claimed: number }> {
    const claimed = await claim(concurrency, new Map())
    await Promise.all(claimed.map(deliver))
    return { claimed: claimed.length }
  }

  /** Starts a delivery in the background; its end frees a slot and lets the loop claim again. */
  function start(delivery: ClaimedDelivery) {
    const set = inFlight.get(delivery.endpointId) ?? new Set()
    inFlight.set(delivery.endpointId, set)
    const running = deliver(delivery).finally(() => {
      set.delete(running)
      if (set.size === 0) inFlight.delete(delivery.endpointId)
      resume()
    })
    set.add(running)
  }

  function wait(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      interrupt = () => {
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      interrupt = undefined
    })
  }

  /** Ends the wait for news, or has the loop go round again at once if it is not waiting. */
  function resume() {
    if (interrupt) interrupt()
    else newsWhileBusy = true
  }

  /** News of deliveries queued: resumes the loop, unless news is held (see newsHeldUntil), then after it. */
  function wake() {
    const heldFor = newsHeldUntil - performance.now()
    if (heldFor <= 0) resume()
    else
      heldNews ??= setTimeout(() => {
        heldNews = undefined
        wake()
      }, heldFor)
  }

  async function run() {
    while (running) {
      newsWhileBusy = false
      const free = concurrency - inFlightCount()
      let claimedAll = false
      const taken = new Map([...inFlight].map(([id, set]) => [id, set.size]))
      const busy = [...taken].filter(([, count]) => count >= perEndpoint).map(([id]) => id)
      if (free > 0) {
        try {
          if (performance.now() - deferredAt >= 1_000) {
            deferredAt = performance.now()
            await deliveriesRepository.deferBlocked(database.db, clock(), busy)
          }
          const claimed = await claim(free, taken)
          for (const delivery of claimed) start(delivery)
          claimedAll = claimed.length === free
        } catch (error) {
          log.error({ err: error }, 'webhook worker could not claim deliveries')
        }
      }
      if (!running) break
      newsHeldUntil = !claimedAll && busy.length > 0 ? performance.now() + HELD_NEWS_MS : 0
      // More may be due at once; otherwise wait for news, a free slot, or the next poll.
      if (!claimedAll && !newsWhileBusy) await wait(options.pollMs)
      else if (inFlightCount() >= concurrency) await wait(options.pollMs)
    }
  }

  return {
    async start() {
      if (running) return
      running = true
      unlisten = await options.listener.subscribe(WEBHOOKS_CHANNEL, { notify: wake, heard: wake })
      loop = run()
    },
    /** Stops claiming and waits for the deliveries under way, so their attempts are recorded. */
    async stop() {
      running = false
      clearTimeout(heldNews)
      heldNews = undefined
      interrupt?.()
      await loop
      await Promise.all([...inFlight.values()].flatMap((set) => [...set]))
      connections.close()
      loop = undefined
      unlisten?.()
      unlisten = undefined
    },
    /** Tells the worker deliveries were queued and committed on this instance. */
    wake,
    runOnce,
    tally,
  }
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>
