import type { FastifyReply, FastifyRequest } from 'fastify'
import type { StoredEvent } from '../../domain/events/events-repository.ts'
import type { EventFeed } from '../../domain/events/events-service.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { stopCounting } from './request-gauge.ts'
import { logCompletion } from './request-log.ts'

// Event ids come from one sequence but commit out of order; re-reading this many ids behind the newest one
// sent catches an event that committed late, and the ids already sent are skipped.
const LOOKBACK = 1000

export type SseOptions = {
  feed: EventFeed
  hub: EventHub
  /** The event's `data` in the surface's dialect. */
  present: (event: StoredEvent) => unknown
  heartbeatMs?: number
}

// The surfaces that serve event streams, by their prefix, as /metrics names them.
const SURFACES: Record<string, string> = { users: 'storefront', vendor: 'vendor', api: 'staff', v3: 'shop' }
const surfaceOf = (request: FastifyRequest) => {
  const prefix = request.routeOptions.url?.split('/')[1] ?? ''
  return SURFACES[prefix] ?? prefix
}

function requestedCursor(request: FastifyRequest): number | undefined {
  const query = request.query as Record<string, unknown> | undefined
  const value = request.headers['last-event-id'] ?? query?.last_event_id
  const id = Number(value)
  return value !== undefined && Number.isSafeInteger(id) && id >= 0 ? id : undefined
}

/**
 * A Server-Sent Events stream of the feed: events after `Last-Event-ID` first (a reconnecting client misses
 * nothing still kept), then each new one as it commits on any instance, with heartbeats so proxies keep the
 * connection open.
 */
export async function serveEventStream(request: FastifyRequest, reply: FastifyReply, options: SseOptions) {
  const { feed, hub } = options
  // Nothing at or below the starting point is sent: the client has it, or connected after it happened.
  const surface = surfaceOf(request)
  const resumedFrom = requestedCursor(request)
  if (resumedFrom !== undefined) hub.replayed(surface)
  const floor = resumedFrom ?? feed.latestId
  let cursor = floor
  const sent = new Set<number>()
  const raw = reply.raw

  reply.hijack()
  stopCounting(request)
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  })
  raw.write('retry: 3000\n\n')

  let pumping = false
  let again = false
  async function pump() {
    if (pumping) {
      again = true
      return
    }
    pumping = true
    try {
      do {
        again = false
        const page = await feed.since(Math.max(floor, cursor - LOOKBACK))
        // A full page leaves events beyond it: read on from where it ended.
        if (page.more) again = true
        for (const event of page.events) {
          if (sent.has(event.id) || raw.destroyed) continue
          raw.write(
            `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(options.present(event))}\n\n`,
          )
          sent.add(event.id)
          hub.sent(surface)
          cursor = Math.max(cursor, event.id)
        }
        for (const id of sent) if (id < cursor - LOOKBACK) sent.delete(id)
      } while (again && !raw.destroyed)
    } catch (error) {
      request.log.warn({ err: error }, 'event stream could not read events')
    } finally {
      pumping = false
    }
  }

  const unsubscribe = hub.subscribe(feed.keys, () => void pump())
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000)
  let ended = false
  const end = () => {
    if (ended) return
    ended = true
    // A hijacked reply skips Fastify's onResponse, where every other request is logged.
    logCompletion(request, 200, reply.elapsedTime)
    clearInterval(heartbeat)
    unsubscribe()
    untrack()
    if (!raw.destroyed) raw.end()
  }
  const { credential, caller } = request
  const untrack = hub.track(
    end,
    surface,
    credential && caller.kind === 'user' ? { credential, userId: caller.user.userId } : undefined,
  )
  raw.on('close', end)
  await pump()
}
