import type { FieldErrors } from '../errors.ts'

/** The longest value each staff-editable contact field takes, as its Django model would declare it. */
export const contactLimits = {
  subject: 255,
  firstName: 150,
  lastName: 150,
  email: 254,
  mobileNumber: 30,
} as const

/** The editable text of a contact, as staff send it; a field left out is unchanged (or empty when new). */
export type ContactText = {
  subject?: string
  message?: string
  firstName?: string
  lastName?: string
  email?: string
  mobileNumber?: string
}

// A pragmatic address check: one "@", no spaces, a dot in the domain. Delivery is the real test.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Trims every field as Django REST framework's CharField does, then checks what a schema cannot: a subject
 * that is only spaces, and an email that is given but not an address. Fields already failing are skipped.
 */
export function cleanContactText(input: ContactText, errors: FieldErrors): ContactText {
  const cleaned: ContactText = {}
  for (const [field, value] of Object.entries(input) as [keyof ContactText, string | undefined][]) {
    if (value === undefined || errors.has(field)) continue
    cleaned[field] = value.trim()
  }
  if (cleaned.subject === '') errors.add('subject', { code: 'blank' })
  if (cleaned.email && !EMAIL.test(cleaned.email)) errors.add('email', { code: 'invalid_email' })
  for (const [field, max] of Object.entries(contactLimits) as [keyof typeof contactLimits, number][]) {
    const value = cleaned[field]
    if (value !== undefined && value.length > max && !errors.has(field)) {
      errors.add(field, { code: 'max_length', max: max })
    }
  }
  return cleaned
}
