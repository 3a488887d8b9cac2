import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions, LogController, type RouteOptions } from 'fastify'
import type { Config } from './config.ts'
import type { Database } from './db/client.ts'
import { createListener, type Listener, type ListenerOptions } from './db/listener.ts'
import { createNotifier } from './db/notifier.ts'
import type { CacheStats } from './db/watched-cache.ts'
import { contextCacheOf, watchContactContexts } from './domain/contacts/submission-context-cache.ts'
import { shownCacheOf, watchShown } from './domain/conversations/queries/shown-cache.ts'
import { createDomain } from './domain/create-domain.ts'
import { EVENTS_CHANNEL } from './domain/events/events-repository.ts'
import { mailDomainOf } from './domain/outbox/email.ts'
import { OUTBOX_CHANNEL } from './domain/outbox/outbox-repository.ts'
import { anonymous } from './domain/principal.ts'
import { WEBHOOKS_CHANNEL } from './domain/webhooks/webhook-queue.ts'
import { createBlobStore } from './infra/blobs/blob-store.ts'
import { createEventHub } from './infra/events/event-hub.ts'
import { withSafeErrors } from './infra/log-errors.ts'
import { createMailTransport, type MailTransport } from './infra/mail/mail-transport.ts'
import { startEmbeddedUpkeep } from './jobs/embedded-upkeep.ts'
import { startEventsPurge, startHourlyPurge } from './jobs/events-purge.ts'
import { createOutboxWorker } from './jobs/outbox-worker.ts'
import { createWebhookWorker } from './jobs/webhook-worker.ts'
import { drfErrorHandler } from './surfaces/drf/errors.ts'
import { frameworkErrors } from './surfaces/framework-errors.ts'
import { allowedMethods } from './surfaces/http/allowed-methods.ts'
import { bodyParsing } from './surfaces/http/body-parsing.ts'
import { guardedValidator } from './surfaces/http/input-guard.ts'
import './surfaces/http/request-context.ts'
import { createRequestGauge } from './surfaces/http/request-gauge.ts'
import { logCompletion } from './surfaces/http/request-log.ts'
import { sharedRateLimitStore } from './surfaces/http/throttle-store.ts'
import { trustProxyOption } from './surfaces/http/trust-proxy.ts'
import { inboxSurface } from './surfaces/inbox/index.ts'
import { operationsRoutes } from './surfaces/operations/index.ts'
import { createMetrics } from './surfaces/operations/metrics.ts'
import { startMetricsListener } from './surfaces/operations/metrics-listener.ts'
import { createProbes } from './surfaces/operations/probes.ts'
import { createReadiness } from './surfaces/operations/readiness.ts'
import { shopSurface } from './surfaces/shop/index.ts'
import { staffSurface } from './surfaces/staff/index.ts'
import { storefrontSurface } from './surfaces/storefront/index.ts'
import { vendorSurface } from './surfaces/vendor/index.ts'

export type AppOptions = {
  config: Config
  database: Database
  /** Overrides the transport built from `config.smtpUrl`. */
  mailTransport?: MailTransport
  logger?: FastifyServerOptions['logger']
  /** Whether this instance delivers the outbox (default true). */
  runWorkers?: boolean
  outboxRetryBaseMs?: number
  /** Overrides the listener's wait before each reconnection (see createListener). */
  listenerRetry?: ListenerOptions['beforeRetry']
  /** The staff inbox's build to serve under /inbox/ (default web/dist). */
  inboxBuildDir?: string
  /** Told of every route as it is registered (the security matrix test covers each one it is told of). */
  onRoute?: (route: RouteOptions) => void
}

const openApiInfo = {
  title: 'Parley',
  version: '0.1.0',
  description:
    'Messaging for commerce behind four surfaces, each wire-compatible with a published API: storefront `/users/`, staff `/api/`, vendor `/vendor/`, shop `/v3/`.',
}

/** Builds the app: shared plugins, then each surface under its prefix, then the outbox worker. */
export async function buildApp(options: AppOptions) {
  const { config, database } = options
  const app = Fastify({
    logger: withSafeErrors(options.logger ?? { level: config.logLevel }),
    bodyLimit: config.bodyLimit,
    trustProxy: trustProxyOption(config.trustProxy),
    // Replaced by one line per request, written once it is answered (see logCompletion).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    ajv: {
      customOptions: { allErrors: true, verbose: true, coerceTypes: 'array', formats: { binary: true } },
    },
    schemaController: { compilersFactory: { buildValidator: guardedValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  const { onRoute } = options
  if (onRoute) app.addHook('onRoute', (route) => onRoute(route))

  const blobs = createBlobStore(join(config.dataDir, 'blobs'))
  const notifier = createNotifier(database.db, (error) =>
    app.log.warn({ err: error }, 'a notification could not be sent'),
  )
  const transport =
    options.mailTransport ??
    createMailTransport({ smtpUrl: config.smtpUrl, mailDir: join(config.dataDir, 'mail') })
  const requests = createRequestGauge()
  const listener = createListener(database, { beforeRetry: options.listenerRetry })
  const runsWorkers = options.runWorkers ?? true
  const outbox = createOutboxWorker({
    // A busy instance answers its requests first and delivers when they pause, but a batch at least every
    // half second: sending costs CPU (nodemailer's), which delivering beside a flood of forms takes from
    // answering them.
    giveWay: () => requests.quiet(20, 500),
    database,
    listener,
    transport,
    blobs,
    mailFrom: config.mailFrom,
    log: app.log,
    pollMs: config.outboxPollMs,
    retryBaseMs: options.outboxRetryBaseMs ?? config.outboxRetryBaseMs,
    maxAttempts: config.outboxMaxAttempts,
    leaseMs: config.outboxLeaseMs,
  })
  const webhooks = createWebhookWorker({
    database,
    listener,
    log: app.log,
    pollMs: config.outboxPollMs,
    post: { allowLoopback: config.webhookAllowLoopback },
    mailDomain: mailDomainOf(config.mailFrom),
    wakeOutbox: () => (runsWorkers ? outbox.wake() : notifier.notify(OUTBOX_CHANNEL, '')),
  })
  const domain = createDomain({
    db: database.db,
    notifier,
    // This instance's worker delivers what it queues, so it is woken directly, sparing PostgreSQL a NOTIFY
    // for each form. Without a worker here, a NOTIFY wakes another instance's.
    wakeOutbox: runsWorkers ? outbox.wake : () => notifier.notify(OUTBOX_CHANNEL, ''),
    wakeWebhooks: runsWorkers ? webhooks.wake : () => notifier.notify(WEBHOOKS_CHANNEL, ''),
    config,
    blobs,
  })
  const events = createEventHub(listener, EVENTS_CHANNEL)
  app.decorate('domain', domain)
  app.decorate('outbox', outbox)
  app.decorate('webhooks', webhooks)
  app.decorate('events', events)
  app.decorate('listener', listener)
  const cacheStats = (): CacheStats[] => [
    domain.accounts.credentialsCacheStats(),
    shownCacheOf(database.db).stats(),
    contextCacheOf(database.db).stats(),
  ]
  app.decorate('cacheStats', cacheStats)

  const metrics = createMetrics({
    database,
    inFlight: () => requests.answering,
    outbox: runsWorkers ? outbox : undefined,
    webhooks: { worker: runsWorkers ? webhooks : undefined, backlog: () => domain.webhooks.backlog() },
    events,
    caches: cacheStats,
    listener,
  })
  const probes = createProbes({
    readiness: createReadiness(database, listener),
    metrics,
    metricsToken: config.metricsToken,
  })

  app.addHook('onRequest', requests.count)
  app.addHook('onResponse', (request, reply, done) => {
    logCompletion(request, reply.statusCode, reply.elapsedTime)
    metrics.observe(request, reply)
    done()
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
  app.setErrorHandler(drfErrorHandler({ unauthenticatedStatus: 401 }))
  app.setNotFoundHandler(async (request, reply) => {
    app.refuseOtherMethod(request)
    return reply.status(404).send({ detail: 'Not found.' })
  })
  // Declared without a default, which Fastify refuses to share as an object: the hook below sets it.
  app.decorateRequest('caller')
  app.decorateRequest('credential', null)
  // Every request starts anonymous: the log line and a refusal before the surface's hook still name a caller.
  app.addHook('onRequest', (request, _reply, done) => {
    request.caller = anonymous
    done()
  })

  await app.register(allowedMethods)
  await app.register(cookie)
  await app.register(rateLimit, { global: false, store: sharedRateLimitStore(domain.throttle) })
  await app.register(bodyParsing, { bodyLimit: config.bodyLimit, blobs })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: openApiInfo,
      components: {
        securitySchemes: {
          cookieAuth: { type: 'apiKey', in: 'cookie', name: config.cookies.storefrontSession },
          tokenAuth: { type: 'apiKey', in: 'header', name: 'Authorization', description: '`Token <key>`' },
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A staff user’s API key (shop `/v3/`).',
          },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: config.cookies.vendorSession,
            description: 'Vendor session cookie (HttpOnly, SameSite=Lax), set by `POST /vendor/auth/login`.',
          },
          csrfHeader: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRFToken',
            description:
              'The `csrftoken` cookie’s value; required on a session’s POST/PUT/PATCH/DELETE (`/api/`).',
          },
          csrfToken: {
            type: 'apiKey',
            in: 'header',
            name: 'X-CSRF-TOKEN',
            description: 'The `CSRF_TOKEN` cookie’s value; required on vendor POST/PUT/PATCH/DELETE.',
          },
        },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(operationsRoutes, { probes, metricsOnThisPort: config.metricsToken !== undefined })
  if (config.metricsPort !== undefined) {
    const { metricsPort: port, metricsHost: host } = config
    let listener: Awaited<ReturnType<typeof startMetricsListener>> | undefined
    // Started with the app, so a port already taken stops the start instead of going unnoticed.
    app.addHook('onReady', async () => {
      listener = await startMetricsListener(probes, { port, host })
      app.log.info({ address: `http://${host}:${listener.address.port}` }, 'metrics and probes listening')
    })
    app.addHook('onClose', () => listener?.close())
    app.decorate('metricsAddress', () => listener?.address)
  }

  await app.register(storefrontSurface, { domain, config, events })
  await app.register(staffSurface, { prefix: '/api', domain, config, events })
  await app.register(vendorSurface, { prefix: '/vendor', domain, config, events })
  await app.register(shopSurface, { prefix: '/v3', domain })
  await app.register(inboxSurface, { buildDir: options.inboxBuildDir })

  if (runsWorkers) {
    app.addHook('onReady', () => outbox.start())
    // Before the server stops taking connections: forms still answered while it closes stay queued for the
    // next start instead of being claimed by a worker about to stop.
    app.addHook('preClose', async () => {
      app.log.info('outbox: claiming no new emails; finishing the sends under way')
      const { finishedSends } = await outbox.stop()
      app.log.info({ finishedSends }, `outbox stopped after finishing ${finishedSends} sends under way`)
    })
    app.addHook('onReady', () => webhooks.start())
    // Beside the outbox's: an attempt under way takes at most 15 s, and is recorded before the database closes.
    app.addHook('preClose', async () => {
      app.log.info('webhooks: claiming no new deliveries; finishing the attempts under way')
      await webhooks.stop()
    })
    app.addHook('onClose', async () => {
      const queued = await outbox.queued().catch(() => undefined)
      app.log.info({ queued }, `${queued ?? 'any'} emails stay queued, to be sent after the next start`)
    })
    const stopPurge = startEventsPurge(domain.events, app.log)
    app.addHook('onClose', async () => stopPurge())
    // Throttle counts are kept as long as a window lasts (the login window is the longest).
    const throttleWindowMs = Math.max(config.login.windowSeconds * 1000, 60_000)
    const stopThrottlePurge = startHourlyPurge(
      'old throttle counts',
      () => domain.throttle.purge(throttleWindowMs),
      app.log,
    )
    app.addHook('onClose', async () => stopThrottlePurge())
    const stopWebhookPurge = startHourlyPurge(
      'old webhook events',
      () => domain.webhooks.purgeExpired(),
      app.log,
    )
    app.addHook('onClose', async () => stopWebhookPurge())
    // No upload lasts a day: an incoming file that old was cut off by a crash and will never be kept.
    const stopUploadSweep = startHourlyPurge(
      'abandoned uploads',
      async () => {
        const removed = await blobs.sweepAbandoned(24 * 3_600_000)
        if (removed > 0) app.log.info({ removed }, 'removed uploads a crash left unfinished')
      },
      app.log,
    )
    app.addHook('onClose', async () => stopUploadSweep())
    // A server's autovacuum keeps its tables; the embedded database has none (see upkeep.ts).
    if (database.engine === 'pglite') {
      const stopUpkeep = startEmbeddedUpkeep(database.db, app.log, {
        quiet: (quietMs, maxWaitMs) => requests.quiet(quietMs, maxWaitMs),
      })
      app.addHook('onClose', () => stopUpkeep())
    }
  }
  // Credentials, the records conversations show and what contact-us forms are checked against are cached
  // only while this instance hears from the database of the changes that make them wrong.
  const unwatch: (() => Promise<void>)[] = []
  app.addHook('onReady', async () => {
    unwatch.push(await domain.accounts.watchCredentials(listener))
    unwatch.push(await watchShown(database.db, listener))
    unwatch.push(await watchContactContexts(database.db, listener))
  })
  app.addHook('onClose', () => Promise.all(unwatch.map((stop) => stop())))
  app.addHook('onReady', () => events.start())
  // A session that ends, here or on another instance, ends its open event streams.
  domain.accounts.onCredentialsEnded((names) => events.endStreamsOf(names))
  // Once every channel above is subscribed: one connection LISTENs on them all.
  app.addHook('onReady', () => listener.start())
  app.addHook('onClose', () => listener.stop())
  // Open event streams would hold the server's close forever: end them first.
  app.addHook('preClose', () => events.stop())
  app.addHook('onClose', () => transport.close())
  // Writes that committed before the close still tell their listeners.
  app.addHook('onClose', () => notifier.settle())
  return app
}

declare module 'fastify' {
  interface FastifyInstance {
    domain: ReturnType<typeof createDomain>
    outbox: ReturnType<typeof createOutboxWorker>
    webhooks: ReturnType<typeof createWebhookWorker>
    events: ReturnType<typeof createEventHub>
    /** The METRICS_PORT listener's address, once listening; absent without METRICS_PORT. */
    metricsAddress?: () => AddressInfo | undefined
    /** Whether this instance hears the database's notifications (see Listener.status). */
    listener: Listener
    /** Each cache's hits, misses, drops and size (see createWatchedCache). */
    cacheStats: () => CacheStats[]
  }
}
