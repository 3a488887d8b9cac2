import type { DeliveryView } from '../../domain/webhooks/delivery-log-repository.ts'
import type { EndpointView } from '../../domain/webhooks/webhooks-service.ts'

/** An endpoint on the staff surface: its secret only where the caller passes it (create and rotate). */
export const presentEndpoint = (endpoint: EndpointView) => ({
  id: endpoint.id,
  url: endpoint.url,
  events: endpoint.events,
  description: endpoint.description,
  enabled: endpoint.enabled,
  disabled_reason: endpoint.disabledReason,
  failing_since: endpoint.failingSince?.toISOString() ?? null,
  secret_rotated_until:
    endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()
      ? endpoint.previousSecretExpiresAt.toISOString()
      : null,
  created_at: endpoint.createdAt.toISOString(),
  updated_at: endpoint.updatedAt.toISOString(),
})

export const presentEndpointWithSecret = ({
  endpoint,
  secret,
}: {
  endpoint: EndpointView
  secret: string
}) => ({
  ...presentEndpoint(endpoint),
  secret,
})

/** A delivery with its attempts, as the deliveries list and the resend and test answers show it. */
export const presentDelivery = (delivery: DeliveryView) => ({
  id: delivery.id,
  endpoint: delivery.endpointId,
  event_id: delivery.webhookId,
  event_type: delivery.eventType,
  event_created_at: delivery.eventCreatedAt.toISOString(),
  status: delivery.status,
  attempt_count: delivery.attemptCount,
  next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
  last_status_code: delivery.lastStatusCode,
  created_at: delivery.createdAt.toISOString(),
  finished_at: delivery.finishedAt?.toISOString() ?? null,
  attempts: delivery.attempts.map((attempt) => ({
    attempted_at: attempt.attemptedAt.toISOString(),
    status_code: attempt.statusCode,
    latency_ms: attempt.latencyMs,
    response_body: attempt.responseBody,
    error: attempt.error,
  })),
})
