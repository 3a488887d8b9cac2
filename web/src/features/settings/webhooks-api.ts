import type { paths } from '../../api/schema.gen.ts'
import { api, unwrap } from '../../lib/api-client.ts'

export type Endpoint =
  paths['/api/webhook-endpoints/{id}/']['get']['responses'][200]['content']['application/json']
export type Delivery =
  paths['/api/webhook-deliveries/{id}/resend/']['post']['responses'][202]['content']['application/json']
export type EndpointInput = { url: string; events: string[]; description: string }

/**
 * The event types an endpoint can subscribe to, as `/openapi.json` lists them in the `events` field's
 * description (src/domain/webhooks/event-types.ts); `*` stands for all, including ones added later.
 */
export const EVENT_TYPES = [
  'contact.created',
  'contact.viewed',
  'contact.replied',
  'conversation.created',
  'conversation.archived',
  'conversation.deleted',
  'message.created',
  'message.read',
] as const
export const ALL_EVENTS = '*'

const onPath = (id: number) => ({ params: { path: { id: String(id) } } })

export const listEndpoints = async () =>
  unwrap(await api.GET('/api/webhook-endpoints/', { params: { query: { page_size: '100' } } })).results

export const createEndpoint = async (body: EndpointInput) =>
  unwrap(await api.POST('/api/webhook-endpoints/', { body }))

export const setEndpointEnabled = async (id: number, enabled: boolean) =>
  unwrap(await api.PATCH('/api/webhook-endpoints/{id}/', { ...onPath(id), body: { enabled } }))

export const deleteEndpoint = async (id: number) =>
  unwrap(await api.DELETE('/api/webhook-endpoints/{id}/', onPath(id)))

export const rotateSecret = async (id: number) =>
  unwrap(await api.POST('/api/webhook-endpoints/{id}/rotate-secret/', onPath(id)))

export const sendTestEvent = async (id: number) =>
  unwrap(await api.POST('/api/webhook-endpoints/{id}/test/', onPath(id)))

export const listDeliveries = async (id: number) =>
  unwrap(
    await api.GET('/api/webhook-endpoints/{id}/deliveries/', {
      params: { path: { id: String(id) }, query: { page_size: '20' } },
    }),
  ).results

export const resendDelivery = async (id: number) =>
  unwrap(await api.POST('/api/webhook-deliveries/{id}/resend/', onPath(id)))
