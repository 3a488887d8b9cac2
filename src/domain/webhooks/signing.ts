import { createHmac, randomBytes } from 'node:crypto'

/*
 * Standard Webhooks signing (standardwebhooks.com): an HMAC-SHA256 of `id.timestamp.body` keyed with the
 * secret's base64 bytes, sent as `v1,<base64>`; several signatures are separated by spaces.
 */

const PREFIX = 'whsec_'

/** A new secret as receivers' libraries take it: `whsec_` and 24 random bytes in base64. */
export const newSecret = () => `${PREFIX}${randomBytes(24).toString('base64')}`

export function signature(secret: string, webhookId: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
  const mac = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')
  return `v1,${mac}`
}

/** The headers of one attempt; `secrets` holds the current one and, during a rotation, the previous one. */
export function signedHeaders(secrets: string[], webhookId: string, sentAt: Date, body: string) {
  const timestamp = Math.floor(sentAt.getTime() / 1000)
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signature(secret, webhookId, timestamp, body)).join(' '),
  }
}
