import type { StaffContact } from '../../domain/contacts/staff-contacts-service.ts'

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
  order: contact.orderId === null ? null : { id: contact.orderId, number: contact.orderNumber ?? '' },
  operation: contact.operation,
  user: contact.userId === null ? null : { id: contact.userId, email: contact.userEmail ?? '' },
  attachment: contact.attachment && {
    name: contact.attachment.filename,
    size: contact.attachment.size,
    content_type: contact.attachment.contentType,
    url: `${apiBaseUrl}/contacts/${contact.id}/attachment`,
  },
  emails: contact.emails.map((email) => ({
    id: email.id,
    to: email.to,
    status: email.status,
    attempts: email.attempts,
    last_error: email.lastError,
    created_at: email.createdAt.toISOString(),
    sent_at: email.sentAt?.toISOString() ?? null,
  })),
})
