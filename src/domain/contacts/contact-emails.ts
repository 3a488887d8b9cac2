import { randomUUID } from 'node:crypto'
import { type EmailPayload, headerSafe } from '../outbox/email.ts'
import type { Settings } from '../settings/definitions.ts'

export type ContactForEmail = {
  id: number
  subject: string
  fullName: string
  email: string
  phone: string
  message: string
  orderNumber: string | null
  operation: string
  attachment: { filename: string; contentType: string; blobKey: string } | null
}

export const messageIdFor = (mailDomain: string) => `<${randomUUID()}@${mailDomain}>`

function body(contact: ContactForEmail): string {
  const lines = [
    `Name: ${contact.fullName}`,
    `Email: ${contact.email}`,
    `Phone: ${contact.phone || '-'}`,
    `Subject: ${contact.subject}`,
    `Operation: ${contact.operation}`,
  ]
  if (contact.orderNumber !== null) lines.push(`Order: ${contact.orderNumber}`)
  if (contact.attachment) lines.push(`Attachment: ${contact.attachment.filename}`)
  return `${lines.join('\n')}\n\n${contact.message}\n`
}

/**
 * The emails a contact-us submission sends, as the dynamic settings ask: staff recipients by operation with
 * the configured Cc and Bcc, Reply-To only when asked for, and the submitter's own copy as a separate email
 * so it never shows a staff address.
 *
 * The copy goes to `copyTo`, the signed-in user's own address, never to the address a form names: a form may
 * name anyone's, and the copy would relay the sender's text to them from the shop. A guest gets no copy.
 */
export function composeContactEmails(
  contact: ContactForEmail,
  settings: Settings,
  mailDomain: string,
  copyTo: string | null,
) {
  const emails: EmailPayload[] = []
  const staff = settings.CONTACT_US_EMAIL_TO[contact.operation] ?? []
  const copies = settings.EMAIL_BCC_AND_CC.contact_us ?? {}
  const subject = headerSafe(`Contact us #${contact.id}: ${contact.subject} - ${contact.fullName}`)
  if (staff.length > 0) {
    emails.push({
      messageId: messageIdFor(mailDomain),
      to: staff,
      cc: copies.cc ?? [],
      bcc: copies.bcc ?? [],
      replyTo: settings.CONTACT_US_REPLY_TO_ONLY_USER ? contact.email : null,
      subject,
      text: body(contact),
      attachments: contact.attachment ? [contact.attachment] : [],
      purpose: 'staff',
    })
  }
  if (settings.CONTACT_US_SEND_USER && copyTo !== null) {
    emails.push({
      messageId: messageIdFor(mailDomain),
      to: [copyTo],
      cc: [],
      bcc: [],
      replyTo: null,
      subject: headerSafe(`We received your message: ${contact.subject}`),
      text: `Hello ${contact.fullName},\n\nThank you for contacting us. This is a copy of your message.\n\n${body(contact)}`,
      attachments: [],
      purpose: 'copy',
    })
  }
  return emails
}
