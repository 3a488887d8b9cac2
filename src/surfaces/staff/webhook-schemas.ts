import { type Static, Type } from 'typebox'
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/event-types.ts'
import { nullable } from '../http/nullable.ts'

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
