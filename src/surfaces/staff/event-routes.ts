import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import type { StoredEvent } from '../../domain/events/events-repository.ts'
import { EVERY_EVENT, type EventHub } from '../../infra/events/event-hub.ts'
import { presentEventSnakeCase } from '../http/event-presenter.ts'
import { signedInUser } from '../http/request-context.ts'
import { serveEventStream } from '../http/sse.ts'

/**
 * An event as the staff stream writes it. A conversation's updates are read from its customer's copy, whose
 * `unreadCount` is the customer's own: the staff's count is not that, so it is left out (and from the copy
 * of a conversation without a customer, for the same shape).
 */
const presentStaffEvent = (event: StoredEvent) => {
  const payload = event.payload as Record<string, unknown>
  const { unreadCount: _customers, ...data } = payload
  return presentEventSnakeCase({ ...event, payload: data })
}

export const eventRoutes: FastifyPluginAsyncTypebox<{ domain: Domain; events: EventHub }> = async (
  app,
  { domain, events },
) => {
  app.get(
    '/events',
    {
      schema: {
        summary: 'Stream the Company’s Events',
        description:
          'Server-Sent Events for the staff inbox (session or key): `contact.created`, `contact.updated`, `contact.replied`, `message.created`, `message.read`, `note.created` and `conversation.updated` of the company, each once. `data` is `{"id", "type", "created_at", "data": {…the object’s id and what changed…}}`. Each event has an `id`; a client reconnecting with `Last-Event-ID` (header, or `last_event_id` query) receives what it missed from the last 24 hours. A `: heartbeat` comment is sent every 15 seconds.',
        operationId: 'streamStaffEvents',
        tags: ['Events'],
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const feed = await domain.events.staffFeedOf(signedInUser(request), EVERY_EVENT)
      await serveEventStream(request, reply, { feed, hub: events, present: presentStaffEvent })
    },
  )
}
