import { type EmailPayload, headerSafe } from '../outbox/email.ts'
import { messageIdFor } from './contact-emails.ts'

/**
 * A staff answer to a contact, to the address the contact came from. Threaded to the email the form sent the
 * staff (`threadRoot`), so that the sender's answer, and the staff's mail client, keep one conversation.
 */
export function composeReplyEmail(
  contact: { subject: string; email: string },
  body: string,
  threadRoot: string | undefined,
  mailDomain: string,
): EmailPayload {
  return {
    messageId: messageIdFor(mailDomain),
    to: [contact.email],
    cc: [],
    bcc: [],
    replyTo: null,
    subject: headerSafe(`Re: ${contact.subject}`),
    text: `${body}\n`,
    attachments: [],
    purpose: 'reply',
    ...(threadRoot ? { inReplyTo: threadRoot, references: [threadRoot] } : {}),
  }
}
