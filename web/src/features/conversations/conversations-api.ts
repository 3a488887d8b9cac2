import { queryString, send } from '../../lib/api-client.ts'

type Person = { id: number; email: string; first_name: string; last_name: string }
export type ConversationStatus = 'open' | 'answered' | 'archived' | 'deleted'
/** A conversation as INBOX-API.md lists it (every surface's, of the caller's company). */
export type Conversation = {
  id: number
  subject: string
  type: 'message' | 'question' | 'review'
  status: ConversationStatus
  archived: boolean
  deleted: boolean
  surface: 'storefront' | 'vendor' | 'shop'
  customer: Person | null
  seller: { id: number; name: string } | null
  assignee: Person | null
  product: { id: number; name: string; image_url: string | null } | null
  order_item: { id: number; order_number: string; product_name: string } | null
  last_message: { id: number; text: string; sender_role: string; created_at: string } | null
  unread_count: number
  created_at: string
  last_message_at: string
}
export type Message = {
  id: number
  text: string
  image_url: string | null
  sender: { id: number; name: string; role: 'customer' | 'seller' | 'staff' }
  created_at: string
  /** Whether the other side (the customer for a seller's or staff's message, else the shop) has it / read it. */
  is_delivered: boolean
  is_read: boolean
}
export type Note = { id: number; body: string; author: Person | null; created_at: string }
export type Thread = Conversation & { messages: Message[]; notes: Note[] }
export type ConversationPage = { count: number; total_unread: number; results: Conversation[] }

export type ConversationFilters = {
  search: string
  status: '' | ConversationStatus
  type: '' | Conversation['type']
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

export const listConversations = (filters: ConversationFilters, page: number) =>
  send<ConversationPage>(
    'GET',
    `/api/conversations/${queryString({
      page,
      page_size: CONVERSATIONS_PAGE_SIZE,
      search: filters.search,
      status: filters.status,
      type: filters.type,
      seller: filters.seller,
      assignee: filters.assignee,
      unread: filters.unread ? 'true' : undefined,
      ordering: filters.ordering,
    })}`,
  )

export const unreadConversationsCount = async () =>
  (await send<ConversationPage>('GET', '/api/conversations/?page_size=1')).total_unread

export const fetchThread = (id: number) => send<Thread>('GET', `/api/conversations/${id}/`)
export const markThreadRead = (id: number) => send<void>('POST', `/api/conversations/${id}/read/`)
export type ConversationChange = { status?: ConversationStatus; assignee?: number | null; archived?: boolean }
export const changeConversation = (id: number, change: ConversationChange) =>
  send<Conversation>('PATCH', `/api/conversations/${id}/`, change)
export const deleteConversation = (id: number, reason: string) =>
  send<void>('DELETE', `/api/conversations/${id}/`, { reason })
export const postStaffMessage = (id: number, text: string) =>
  send<Message>('POST', `/api/conversations/${id}/messages/`, { text })
export const addNote = (id: number, body: string) =>
  send<Note>('POST', `/api/conversations/${id}/notes/`, { body })
