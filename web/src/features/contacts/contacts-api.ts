import type { paths } from '../../api/schema.gen.ts'
import { api, unwrap } from '../../lib/api-client.ts'

type Generated = paths['/api/contacts/{id}/']['get']['responses'][200]['content']['application/json']
export type Contact = Generated
export type Reply = Generated['replies'][number]
export type EmailState = Generated['emails'][number]

export type ContactFilters = {
  search: string
  viewed: '' | 'true' | 'false'
  status: '' | 'open' | 'resolved'
  subject: string
  operation: string
  from: string
  to: string
}
export const noContactFilters: ContactFilters = {
  search: '',
  viewed: '',
  status: '',
  subject: '',
  operation: '',
  from: '',
  to: '',
}
export const CONTACTS_PAGE_SIZE = 25

export async function listContacts(filters: ContactFilters, page: number) {
  const query: Record<string, string> = { page: String(page), page_size: String(CONTACTS_PAGE_SIZE) }
  if (filters.search) query.search = filters.search
  if (filters.viewed) query.viewed = filters.viewed
  if (filters.status) query.status = filters.status
  if (filters.subject) query.subject = filters.subject
  if (filters.operation) query.operation = filters.operation
  if (filters.from) query.created_at__gte = filters.from
  // The date's whole day: the API reads a date alone as its first instant.
  if (filters.to) query.created_at__lte = `${filters.to}T23:59:59.999Z`
  return unwrap(await api.GET('/api/contacts/', { params: { query } }))
}

/** How many contacts no staff member has opened; `capped` when the API stopped counting at `total`. */
export async function unviewedContactsCount() {
  const query = { page_size: '1' }
  const page = unwrap(await api.GET('/api/contacts/', { params: { query } }))
  return { total: page.total_unviewed, capped: page.total_unviewed_capped }
}

/** The first retrieval by staff marks the contact viewed. */
export async function openContact(id: number): Promise<Contact> {
  return unwrap(await api.GET('/api/contacts/{id}/', { params: { path: { id: String(id) } } }))
}

export type ContactChange = { viewed?: boolean; status?: 'open' | 'resolved'; assignee?: number | null }
export const changeContact = async (id: number, body: ContactChange) =>
  unwrap(await api.PATCH('/api/contacts/{id}/', { params: { path: { id: String(id) } }, body }))

export const replyToContact = async (id: number, body: string) =>
  unwrap(
    await api.POST('/api/contacts/{id}/replies/', { params: { path: { id: String(id) } }, body: { body } }),
  )

export const retryEmail = async (id: number, emailId: number) =>
  unwrap(
    await api.POST('/api/contacts/{id}/emails/{email_id}/retry/', {
      params: { path: { id: String(id), email_id: String(emailId) } },
    }),
  )

export async function listSubjects() {
  const query = { page_size: '100' }
  return unwrap(await api.GET('/api/contact-subjects/', { params: { query } })).results
}
