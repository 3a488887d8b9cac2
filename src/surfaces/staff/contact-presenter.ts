import type { ContactReply } from '../../domain/contacts/contact-replies-repository.ts'
import type { StaffContact } from '../../domain/contacts/staff-contacts-service.ts'
import type { EmailDelivery } from '../../domain/outbox/outbox-repository.ts'
import { presentUserRef } from './user-presenter.ts'

export const presentEmail = (email: EmailDelivery) => ({
  id: email.id,
  to: email.to,
  status: email.status,
  attempts: email.attempts,
  last_error: email.lastError,
  created_at: email.createdAt.toISOString(),
  sent_at: email.sentAt?.toISOString() ?? null,
})

export const presentReply = (reply: ContactReply) => ({
  id: reply.id,
  body: reply.body,
  author: reply.author && presentUserRef(reply.author),
  created_at: reply.createdAt.toISOString(),
  email: reply.email && {
    id: reply.email.id,
    status: reply.email.status,
    attempts: reply.email.attempts,
    last_error: reply.email.lastError,
    sent_at: reply.email.sentAt?.toISOString() ?? null,
  },
})

/** A contact on the staff surface: seed 002's fields first, then what staff need beside them. */
export const presentContact = (contact: StaffContact, apiBaseUrl: string) => ({
  id: contact.id,
  subject: contact.subject,
  message: contact.message,
  first_name: contact.firstName,
  last_name: contact.lastName,
  email: contact.email,
  mobile_number: contact.mobileNumber,
  viewed: contact.viewed,
  viewed_at: contact.viewedAt?.toISOString() ?? null,
  created_at: contact.createdAt.toISOString(),
  updated_at: contact.updatedAt.toISOString(),
  source: contact.source,
  subject_id: contact.subjectId,
  order:
    contact.orderId === null
      ? null
      : {
          id: contact.orderId,
          number: contact.orderNumber ?? '',
          items: contact.orderItems.map((item) => ({
            id: item.id,
            product_name: item.productName,
            quantity: item.quantity,
          })),
        },
  operation: contact.operation,
  user: contact.userId === null ? null : { id: contact.userId, email: contact.userEmail ?? '' },
  attachment: contact.attachment && {
    name: contact.attachment.filename,
    size: contact.attachment.size,
    content_type: contact.attachment.contentType,
    url: `${apiBaseUrl}/contacts/${contact.id}/attachment`,
  },
  emails: contact.emails.map(presentEmail),
  status: contact.status,
  assignee: contact.assignee && presentUserRef(contact.assignee),
  replies: contact.replies.map(presentReply),
})
