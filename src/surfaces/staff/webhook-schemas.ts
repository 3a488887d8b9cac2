import { type Static, Type } from 'typebox'
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts'
import { nullable } from '../http/nullable.ts'
import { PageQuery } from './pagination.ts'

const dateTime = (description: string) => Type.String({ format: 'date-time', description })

const url = Type.String({
  description:
    'Where events are POSTed. HTTPS, on a public address (loopback only while `WEBHOOK_ALLOW_LOOPBACK` is on, where plain http is accepted too).',
})
const events = Type.Array(Type.String(), {
  description: `The event types the endpoint receives, or \`["${ALL_EVENTS}"]\` for all: ${WEBHOOK_EVENT_TYPES.map((type) => `\`${type}\``).join(', ')}.`,
})
const description = Type.String({ description: 'A note for the shop’s admins (at most 500 characters).' })
const enabled = Type.Boolean({
  description: 'Whether events are delivered. Deliveries queued while disabled wait and go once enabled.',
})

export const CreateEndpointBody = Type.Object({
  url,
  events,
  description: Type.Optional(description),
  enabled: Type.Optional(enabled),
})
export const UpdateEndpointBody = Type.Object({
  url: Type.Optional(url),
  events: Type.Optional(events),
  description: Type.Optional(description),
  enabled: Type.Optional(enabled),
})
export type EndpointBody = Partial<Static<typeof UpdateEndpointBody>>

export const EndpointIdParams = Type.Object({ id: Type.String({ description: 'The endpoint’s id.' }) })

export const EndpointResponse = Type.Object({
  id: Type.Integer({ description: 'Unique ID of the endpoint.' }),
  url,
  events,
  description,
  enabled,
  disabled_reason: nullable(
    Type.String({
      description: 'Why Parley disabled the endpoint (`failing`: every attempt failed for days).',
    }),
  ),
  failing_since: nullable(dateTime('Since when every attempt to deliver to it has failed.')),
  secret_rotated_until: nullable(
    dateTime('Until when the secret a rotation replaced also signs deliveries (a second `v1,` signature).'),
  ),
  created_at: dateTime('When the endpoint was registered.'),
  updated_at: dateTime('When it last changed.'),
})

export const EndpointWithSecretResponse = Type.Object({
  ...EndpointResponse.properties,
  secret: Type.String({
    description:
      'The signing secret (`whsec_` and base64), for the receiver’s Standard Webhooks library. Shown only in this answer.',
  }),
})

export const DeliveryIdParams = Type.Object({ id: Type.String({ description: 'The delivery’s id.' }) })

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(
    Type.String({ description: 'Only deliveries in this state: `pending`, `succeeded` or `failed`.' }),
  ),
  ...PageQuery,
})

const Attempt = Type.Object({
  attempted_at: dateTime('When the attempt was made.'),
  status_code: nullable(Type.Integer({ description: 'The receiver’s HTTP status; null when none came.' })),
  latency_ms: Type.Integer({ description: 'How long the attempt took.' }),
  response_body: Type.String({
    description: 'The start of the receiver’s answer (at most 1,000 characters).',
  }),
  error: nullable(
    Type.String({ description: 'Why no answer came: a refused address, a timeout, a connection error.' }),
  ),
})

export const DeliveryResponse = Type.Object({
  id: Type.Integer({ description: 'Unique ID of the delivery.' }),
  endpoint: Type.Integer({ description: 'The endpoint’s id.' }),
  event_id: Type.String({ description: 'The `webhook-id` header: the event’s, the same on every attempt.' }),
  event_type: Type.String({ description: 'The event’s type, such as `message.created`.' }),
  event_created_at: dateTime('When the change the event reports was written.'),
  status: Type.String({
    description:
      '`pending` until a 2xx answer (`succeeded`) or the last of 8 scheduled attempts failed (`failed`).',
  }),
  attempt_count: Type.Integer({ description: 'Attempts made in its current schedule.' }),
  next_attempt_at: nullable(dateTime('When the next attempt is due, while pending.')),
  last_status_code: nullable(Type.Integer({ description: 'The last attempt’s HTTP status.' })),
  created_at: dateTime('When the delivery was queued.'),
  finished_at: nullable(dateTime('When it succeeded or failed for good.')),
  attempts: Type.Array(Attempt, { description: 'Every attempt, oldest first.' }),
})

export const ReplayBody = Type.Object({
  since: Type.String({ format: 'date-time', description: 'The first moment of the range (ISO 8601).' }),
  until: Type.String({ format: 'date-time', description: 'The last moment of the range (ISO 8601).' }),
})

export const ReplayResponse = Type.Object({
  queued: Type.Integer({ description: 'How many events were queued to the endpoint again.' }),
})
