import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { presentEventSnakeCase } from '../http/event-presenter.ts'
import { serveEventStream } from '../http/sse.ts'
import { requireVendorPrincipal } from './session.ts'

export const eventRoutes: FastifyPluginAsyncTypebox<{ domain: Domain; events: EventHub }> = async (
  app,
  { domain, events },
) => {
  app.get(
    '/events',
    {
      schema: {
        summary: 'Stream realtime events',
        operationId: 'streamVendorEvents',
        description:
          "A Server-Sent Events stream of the caller's `message.created`, `message.delivered`, `message.read` and `conversation.updated` events, as a buyer and as a member of each seller. Each event has an `id`; reconnecting with `Last-Event-ID` replays what was missed (kept 24 hours). A `: heartbeat` comment every 15 seconds.",
        tags: ['Vendor events'],
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const feed = await domain.events.feedOf(requireVendorPrincipal(request))
      await serveEventStream(request, reply, { feed, hub: events, present: presentEventSnakeCase })
    },
  )
}
