import type { FastifyReply, FastifyRequest } from 'fastify'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Database } from '../../db/client.ts'
import type { ListenerStatus } from '../../db/listener.ts'
import type { CacheStats } from '../../db/watched-cache.ts'
import { outboxRepository } from '../../domain/outbox/outbox-repository.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import type { OutboxWorker } from '../../jobs/outbox-worker.ts'
import type { WebhookWorker } from '../../jobs/webhook-worker.ts'

/** Where the figures come from: each part counts for itself, and a scrape reads the counts. */
export type MetricSources = {
  database: Database
  /** Requests being answered now. */
  inFlight: () => number
  /** Undefined on an instance that runs no worker. */
  outbox: OutboxWorker | undefined
  events: EventHub
  /** This instance's webhook worker's counts (undefined without one), and what waits for any instance. */
  webhooks: {
    worker: Pick<WebhookWorker, 'tally'> | undefined
    backlog: () => Promise<{ pending: number; oldestSeconds: number }>
  }
  /** Each cache's running counts. */
  caches: () => CacheStats[]
  listener: { status(): ListenerStatus }
}

// Every kind the outbox holds, so a kind with nothing queued still reads 0 rather than vanishing.
const OUTBOX_KINDS = ['email']

/**
 * A counter whose count is kept elsewhere as a running total: a scrape sets it to that total. The total
 * only grows while the process lives, which is all Prometheus asks of a counter.
 */
function mirroredCounter(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  totals: () => Iterable<[string, number]>,
) {
  return new Counter({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    collect() {
      this.reset()
      for (const [value, total] of totals()) this.inc({ [label]: value }, total)
    },
  })
}

/** A gauge read from elsewhere at each scrape, per label value. */
function readGauge(
  registry: Registry,
  name: string,
  help: string,
  label: string,
  values: () => Iterable<[string, number]> | Promise<Iterable<[string, number]>>,
) {
  return new Gauge({
    name,
    help,
    labelNames: [label],
    registers: [registry],
    async collect() {
      this.reset()
      for (const [value, reading] of await values()) this.set({ [label]: value }, reading)
    },
  })
}

/**
 * This instance's Prometheus metrics, in a registry of its own (several apps may share a process in tests):
 * HTTP requests, the outbox, realtime streams, the database pool and Node's own.
 */
export function createMetrics(sources: MetricSources) {
  const { database, outbox, events } = sources
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const requestDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern, method and status class (event streams excluded).',
    labelNames: ['route', 'method', 'status_class'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  new Gauge({
    name: 'parley_http_requests_in_flight',
    help: 'Requests being answered now (open event streams are counted as streams, not here).',
    registers: [registry],
    collect() {
      this.set(sources.inFlight())
    },
  })

  let backlog: Promise<Map<string, { queued: number; oldestSeconds: number }>> | undefined
  /** One read of the outbox per scrape, for both of the gauges it feeds. */
  const readBacklog = () => {
    backlog ??= outboxRepository
      .backlog(database.db)
      .then((rows) => {
        const byKind = new Map(OUTBOX_KINDS.map((kind) => [kind, { queued: 0, oldestSeconds: 0 }]))
        for (const row of rows) byKind.set(row.kind, row)
        return byKind
      })
      // A database that does not answer leaves these two out; the rest of the scrape still says why.
      .catch(() => new Map())
    return backlog
  }
  readGauge(
    registry,
    'parley_outbox_queued',
    'Outbox entries waiting to be delivered, by kind.',
    'kind',
    async () => [...(await readBacklog())].map(([kind, { queued }]) => [kind, queued]),
  )
  readGauge(
    registry,
    'parley_outbox_oldest_age_seconds',
    'How long the oldest outbox entry still waiting has waited, by kind (0 when none waits).',
    'kind',
    async () => [...(await readBacklog())].map(([kind, { oldestSeconds }]) => [kind, oldestSeconds]),
  )
  const tallied = (outcome: 'delivered' | 'retried' | 'failed') => () =>
    OUTBOX_KINDS.map((kind): [string, number] => [kind, outbox?.tally[outcome].get(kind) ?? 0])
  mirroredCounter(
    registry,
    'parley_outbox_delivered_total',
    'Outbox entries this instance delivered.',
    'kind',
    tallied('delivered'),
  )
  mirroredCounter(
    registry,
    'parley_outbox_retried_total',
    'Deliveries that failed and will be tried again.',
    'kind',
    tallied('retried'),
  )
  mirroredCounter(
    registry,
    'parley_outbox_failed_total',
    'Deliveries given up on after the last attempt.',
    'kind',
    tallied('failed'),
  )

  const { webhooks } = sources
  mirroredCounter(
    registry,
    'parley_webhook_attempts_total',
    'Webhook attempts this instance made, by outcome: delivered, retried (to be tried again) or failed (for good).',
    'outcome',
    () => Object.entries(webhooks.worker?.tally ?? { delivered: 0, retried: 0, failed: 0 }),
  )
  let webhookBacklog: ReturnType<MetricSources['webhooks']['backlog']> | undefined
  /** One read of the webhook backlog per scrape, for both of its gauges. */
  const readWebhookBacklog = () => {
    webhookBacklog ??= webhooks.backlog().catch(() => ({ pending: Number.NaN, oldestSeconds: Number.NaN }))
    return webhookBacklog
  }
  new Gauge({
    name: 'parley_webhook_deliveries_pending',
    help: 'Webhook deliveries waiting to be made, by any instance.',
    registers: [registry],
    async collect() {
      this.set((await readWebhookBacklog()).pending)
    },
  })
  new Gauge({
    name: 'parley_webhook_oldest_pending_age_seconds',
    help: 'How long the oldest webhook delivery still waiting has waited (0 when none waits).',
    registers: [registry],
    async collect() {
      this.set((await readWebhookBacklog()).oldestSeconds)
    },
  })

  readGauge(
    registry,
    'parley_realtime_open_streams',
    'Event streams open now, by surface.',
    'surface',
    () => events.streams.open,
  )
  mirroredCounter(
    registry,
    'parley_realtime_events_sent_total',
    'Events written to streams, by surface.',
    'surface',
    () => events.streams.sent,
  )
  mirroredCounter(
    registry,
    'parley_realtime_replays_total',
    'Streams that began from a Last-Event-ID and so replayed what the client missed, by surface.',
    'surface',
    () => events.streams.replays,
  )

  mirroredCounter(
    registry,
    'parley_realtime_listen_reconnects_total',
    'Times the LISTEN connection was made again after a loss.',
    'connection',
    () => [['listener', sources.listener.status().reconnections]],
  )
  const perCache = (count: 'hits' | 'misses' | 'drops' | 'size') => () =>
    sources.caches().map((stats): [string, number] => [stats.name, stats[count]])
  mirroredCounter(
    registry,
    'parley_cache_hits_total',
    'Reads a cache answered, by cache.',
    'cache',
    perCache('hits'),
  )
  mirroredCounter(
    registry,
    'parley_cache_misses_total',
    'Reads a cache could not answer, by cache.',
    'cache',
    perCache('misses'),
  )
  mirroredCounter(
    registry,
    'parley_cache_drops_total',
    'Entries a cache dropped on a notification or while deaf, by cache.',
    'cache',
    perCache('drops'),
  )
  readGauge(
    registry,
    'parley_cache_entries',
    'Entries a cache holds now, by cache.',
    'cache',
    perCache('size'),
  )

  // PGlite has no pool: one connection inside the process.
  if (database.poolStats() !== undefined) {
    const pool = () => Object.entries(database.poolStats() ?? {})
    readGauge(
      registry,
      'parley_db_pool_connections',
      'The PostgreSQL pool: connections open (total), of those not running a query (idle), and queries waiting for one (waiting).',
      'state',
      pool,
    )
  }

  return {
    registry,
    /** An onResponse hook's work: times the request under its route pattern, never its raw URL. */
    observe(request: FastifyRequest, reply: FastifyReply) {
      const route = request.routeOptions.url ?? 'unmatched'
      const labels = {
        route,
        method: request.method,
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
      }
      requestDuration.observe(labels, reply.elapsedTime / 1000)
    },
    /** The text a scrape reads. */
    async scrape() {
      backlog = undefined
      webhookBacklog = undefined
      try {
        return await registry.metrics()
      } finally {
        backlog = undefined
        webhookBacklog = undefined
      }
    },
    contentType: registry.contentType,
  }
}

export type Metrics = ReturnType<typeof createMetrics>
