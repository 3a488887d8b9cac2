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
  /** What the email is to its contact: the staff's email, the sender's copy, or a staff answer. */
  purpose?: 'staff' | 'copy' | 'reply'
  /** An answer's thread: the Message-ID it answers, and the thread's Message-IDs. */
  inReplyTo?: string
  references?: string[]
}

/** Header values never carry a line break, whatever a submitter typed: no header injection. */
export const headerSafe = (value: string) => value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').trim()

/** The domain of MAIL_FROM's address, which names every Message-ID Parley makes. */
export const mailDomainOf = (mailFrom: string) => /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'parley.local'
