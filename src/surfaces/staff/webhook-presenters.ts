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
