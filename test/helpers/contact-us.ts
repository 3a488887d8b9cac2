import { eq } from 'drizzle-orm'
import { contacts } from '../../src/db/schema/index.ts'
import { type Body, HttpClient } from './http-client.ts'
import type { TestApp } from './test-app.ts'

export type Encoding = 'json' | 'form' | 'multipart'
export const encodings: Encoding[] = ['json', 'form', 'multipart']

/** The fields in one of the body types a storefront sends; form bodies carry every value as text. */
export function encode(encoding: Encoding, fields: Record<string, unknown>): Body {
  if (encoding === 'json') return { json: fields }
  const text = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value)]))
  return encoding === 'form' ? { form: text } : { multipart: text }
}

/** A form that passes every check, with a fresh email so its stored contact can be found. */
export function validForm(parley: TestApp, overrides: Record<string, unknown> = {}) {
  return {
    subject: parley.demo.subjects.general.id,
    full_name: 'Grace Guest',
    email: `grace-${crypto.randomUUID()}@example.com`,
    message: 'Hello there',
    ...overrides,
  }
}

/** A browser that has loaded a storefront page, so it holds the CSRF cookie. */
export async function guestBrowser(parley: TestApp) {
  const client = new HttpClient(parley.baseUrl)
  await client.get('/users/contact-us-subjects/')
  return client
}

export async function contactsFrom(parley: TestApp, email: string) {
  return parley.db.select().from(contacts).where(eq(contacts.email, email))
}
