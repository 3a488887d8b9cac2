/** Every event type an endpoint can subscribe to; `*` in an endpoint's list stands for all of them. */
export const WEBHOOK_EVENT_TYPES = [
  'contact.created',
  'contact.viewed',
  'contact.replied',
  'conversation.created',
  'conversation.archived',
  'conversation.deleted',
  'message.created',
  'message.read',
] as const

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number]

export const ALL_EVENTS = '*'

/** Sent by `POST /api/webhook-endpoints/{id}/test/` to that endpoint alone. */
export const TEST_EVENT = 'webhook.test'
