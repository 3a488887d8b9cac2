/** An email as queued in the outbox: plain data, its attachments by blob key. */
export type EmailPayload = {
  messageId: string
  to: string[]
  cc: string[]
  bcc: string[]
  replyTo: string | null
  subject: string
  text: string
  attachments: { filename: string; contentType: string; blobKey: string }[]
}

/** Header values never carry a line break, whatever a submitter typed: no header injection. */
export const headerSafe = (value: string) => value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim()
