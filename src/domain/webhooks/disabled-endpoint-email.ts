import { randomUUID } from 'node:crypto'
import { type EmailPayload, headerSafe } from '../outbox/email.ts'

/** An endpoint Parley disabled, and the admins of its company to tell. */
export type DisabledEndpoint = {
  id: number
  companyId: number
  url: string
  description: string
  failingSince: Date
  adminEmails: string[]
}

/** The URL without its query or credentials: a receiver's URL often carries a token there. */
const shownUrl = (url: string) => {
  try {
    const parsed = new URL(url)
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    return '(an invalid URL)'
  }
}

/** Tells a company's admins that an endpoint failing for days was disabled, and how to bring it back. */
export function composeDisabledEndpointEmail(endpoint: DisabledEndpoint, mailDomain: string): EmailPayload {
  const where = shownUrl(endpoint.url)
  const named = endpoint.description === '' ? '' : ` ("${endpoint.description}")`
  return {
    messageId: `<${randomUUID()}@${mailDomain}>`,
    to: endpoint.adminEmails,
    cc: [],
    bcc: [],
    replyTo: null,
    subject: headerSafe(`Webhook endpoint disabled: ${where}`),
    text: [
      `Parley stopped sending webhooks to ${where} (endpoint ${endpoint.id}${named}): every attempt to deliver`,
      `to it has failed since ${endpoint.failingSince.toISOString()}.`,
      '',
      'The events it missed are kept. Once the receiver answers again, enable the endpoint',
      `(PATCH /api/webhook-endpoints/${endpoint.id}/ with {"enabled": true}) and replay what it missed`,
      `(POST /api/webhook-endpoints/${endpoint.id}/replay/ with {"since": ..., "until": ...}).`,
      '',
    ].join('\n'),
    attachments: [],
  }
}
