import type { paths } from '../../api/schema.gen.ts'
import { api, unwrap } from '../../lib/api-client.ts'

type ListPage = paths['/api/conversations/']['get']['responses'][200]['content']['application/json']
export type ConversationPage = ListPage
export type Conversation = ListPage['results'][number]
export type Thread = paths['/api/conversations/{id}/']['get']['responses'][200]['content']['application/json']
export type Message = Thread['messages'][number]
export type Note = Thread['notes'][number]
export type ConversationStatus = 'open' | 'answered' | 'archived' | 'deleted'
export type ConversationType = 'message' | 'question' | 'review'

export type ConversationFilters = {
  search: string
  status: '' | ConversationStatus
  type: '' | ConversationType
  seller: string
  assignee: string
  unread: boolean
  ordering: 'unread' | '-last_message_at'
}
export const noConversationFilters: ConversationFilters = {
  search: '',
  status: '',
  type: '',
  seller: '',
  assignee: '',
  unread: false,
  ordering: 'unread',
}
export const CONVERSATIONS_PAGE_SIZE = 25

export async function listConversations(filters: ConversationFilters, page: number) {
  const query: Record<string, string> = {
    page: String(page),
    page_size: String(CONVERSATIONS_PAGE_SIZE),
    ordering: filters.ordering,
  }
  for (const key of ['search', 'status', 'type', 'seller', 'assignee'] as const)
    if (filters[key]) query[key] = filters[key]
  if (filters.unread) query.unread = 'true'
  return unwrap(await api.GET('/api/conversations/', { params: { query } }))
}

/** How many conversations the staff have not read; `capped` when the API stopped counting at `total`. */
export async function unreadConversationsCount() {
  const query = { page_size: '1' }
  const page = unwrap(await api.GET('/api/conversations/', { params: { query } }))
  return { total: page.total_unread, capped: page.total_unread_capped }
}

const at = (id: number) => ({ params: { path: { id: String(id) } } })

export const fetchThread = async (id: number) => unwrap(await api.GET('/api/conversations/{id}/', at(id)))
export const markThreadRead = async (id: number) =>
  unwrap(await api.POST('/api/conversations/{id}/read/', at(id)))
export type ConversationChange = {
  status?: 'open' | 'answered' | 'archived'
  assignee?: number | null
  archived?: boolean
}
export const changeConversation = async (id: number, body: ConversationChange) =>
  unwrap(await api.PATCH('/api/conversations/{id}/', { ...at(id), body }))
export const deleteConversation = async (id: number, reason: string) =>
  unwrap(await api.DELETE('/api/conversations/{id}/', { ...at(id), body: { reason } }))
export const postStaffMessage = async (id: number, text: string) =>
  unwrap(await api.POST('/api/conversations/{id}/messages/', { ...at(id), body: { text } }))
export const addNote = async (id: number, body: string) =>
  unwrap(await api.POST('/api/conversations/{id}/notes/', { ...at(id), body: { body } }))
