import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { EventHub } from '../../infra/events/event-hub.ts'
import { presentEventSnakeCase } from '../http/event-presenter.ts'
import { serveEventStream } from '../http/sse.ts'
import { requirePrincipal } from './session-auth.ts'

export const eventRoutes: FastifyPluginAsyncTypebox<{ domain: Domain; events: EventHub }> = async (
  app,
  { domain, events },
) => {
  app.get(
    '/events',
    {
      schema: {
        summary: 'Stream realtime events',
        operationId: 'streamUserEvents',
        description:
          "A Server-Sent Events stream of the caller's `message.created`, `message.delivered`, `message.read` and `conversation.updated` events. Each event has an `id`; a client reconnecting with `Last-Event-ID` (header, or `last_event_id` query) receives what it missed from the last 24 hours. A `: heartbeat` comment is sent every 15 seconds.",
        tags: ['Events'],
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const feed = await domain.events.feedOf(requirePrincipal(request))
      await serveEventStream(request, reply, { feed, hub: events, present: presentEventSnakeCase })
    },
  )
}
