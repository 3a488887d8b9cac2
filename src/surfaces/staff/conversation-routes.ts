import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { INBOX_STATUSES, type InboxQuery } from '../../domain/conversations/inbox/inbox-filters.ts'
import { CONVERSATION_TYPES } from '../../domain/conversations/types.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { signedInUser } from '../http/request-context.ts'
import {
  presentInboxConversation,
  presentInboxMessage,
  presentNote,
  presentThread,
} from './conversation-presenter.ts'
import {
  ConversationIdParams,
  ConversationMessageParams,
  DeleteInboxConversationBody,
  InboxConversation,
  InboxListQuery,
  InboxMessage,
  InboxNote,
  InboxPage,
  InboxThread,
  NoteBody,
  StaffMessageBody,
  UpdateInboxConversationBody,
} from './conversation-schemas.ts'
import { cappedPageOf, requestedPage } from './pagination.ts'
import {
  assigneeFilter,
  booleanFilter,
  idFilter,
  idOf,
  schemaErrorsOf,
  validFields,
} from './request-parsing.ts'

const tags = ['Conversations']
const oneOf = <T extends string>(values: readonly T[], value: string | undefined) =>
  values.find((known) => known === value)

/** The list's filters; a value that names nothing known filters nothing, as for the contacts' `viewed`. */
function inboxQuery(
  query: Record<string, string | undefined>,
  at: { offset: number; limit: number },
): InboxQuery {
  return {
    status: oneOf(INBOX_STATUSES, query.status),
    sellerId: idFilter(query.seller),
    assignee: assigneeFilter(query.assignee),
    type: oneOf(CONVERSATION_TYPES, query.type),
    unread: booleanFilter(query.unread),
    searchTerms: (query.search ?? '').split(/\s+/).filter((term) => term !== ''),
    ordering: query.ordering === 'unread' ? 'unread' : 'newest',
    ...at,
  }
}

/** The body's fields that passed the schema, and its schema problems for the domain to report with its own. */
function bodyOf<T extends object>(request: FastifyRequest) {
  const errors = schemaErrorsOf(request)
  return { fields: validFields<T>(request.body, errors), errors }
}

/** Every surface's conversations of the company, as the staff inbox works them. */
export const conversationRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const inbox = domain.staffInbox

  app.get(
    '/conversations/',
    {
      schema: {
        summary: 'List Conversations',
        description:
          'Every surface’s conversations of the company, newest activity first (or unread first), a DRF page at a time, with `total_unread` beside the page. Counts stop at a bound (see `count_capped`).',
        operationId: 'listStaffConversations',
        tags,
        querystring: InboxListQuery,
        response: { 200: InboxPage, 404: DetailResponse },
      },
    },
    async (request) => {
      const at = requestedPage(request.query)
      const { items, count, unread } = await inbox.list(signedInUser(request), inboxQuery(request.query, at))
      return {
        ...cappedPageOf(request, at, count, items.map(presentInboxConversation)),
        total_unread: unread.total,
        total_unread_capped: unread.capped,
      }
    },
  )

  app.get(
    '/conversations/:id/',
    {
      schema: {
        summary: 'Retrieve Conversation',
        description:
          'The conversation with its newest 1000 messages (oldest first) and its internal notes. Deleted ones too.',
        operationId: 'retrieveConversation',
        tags,
        params: ConversationIdParams,
        response: { 200: InboxThread, 404: DetailResponse },
      },
    },
    async (request) => presentThread(await inbox.thread(signedInUser(request), idOf(request.params.id))),
  )

  app.patch(
    '/conversations/:id/',
    {
      attachValidation: true,
      schema: {
        summary: 'Update Conversation',
        description:
          '`status`: `open` clears answered and archived, `answered` sets answered, `archived` archives. `assignee`: a staff user’s id or null. `archived`: archive or bring back (both parties are told, as on every surface). A deleted conversation only takes an assignee.',
        operationId: 'partialUpdateConversation',
        tags,
        params: ConversationIdParams,
        body: UpdateInboxConversationBody,
        response: { 200: InboxConversation, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const { fields, errors } = bodyOf<{ status: string; assignee: number | null; archived: boolean }>(
        request,
      )
      const changed = await inbox.update(signedInUser(request), idOf(request.params.id), fields, errors)
      return presentInboxConversation(changed)
    },
  )

  app.delete(
    '/conversations/:id/',
    {
      attachValidation: true,
      schema: {
        summary: 'Delete Conversation',
        description:
          'Soft delete with a reason (JSON body `{"reason": "…"}`, required): the conversation leaves every party’s surface; staff still list it with `status=deleted`.',
        operationId: 'deleteConversation',
        tags,
        params: ConversationIdParams,
        body: DeleteInboxConversationBody,
        response: { 204: Type.Null({ description: 'Deleted' }), 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const { fields, errors } = bodyOf<{ reason: string }>(request)
      await inbox.remove(signedInUser(request), idOf(request.params.id), fields.reason, errors)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/conversations/:id/messages/',
    {
      attachValidation: true,
      schema: {
        summary: 'Reply as the Shop’s Staff',
        description:
          'Adds a message written as the shop’s staff: its customer sees it unread on `/users/conversations/`, a seller’s members see it on `/vendor/`, and both parties’ event streams tell them. The staff have then read the conversation.',
        operationId: 'createConversationMessage',
        tags,
        params: ConversationIdParams,
        body: StaffMessageBody,
        response: { 201: InboxMessage, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const { fields, errors } = bodyOf<{ text: string }>(request)
      const id = idOf(request.params.id)
      const { message, conversation } = await inbox.reply(signedInUser(request), id, fields.text, errors)
      return reply.status(201).send(presentInboxMessage(message, conversation))
    },
  )

  app.post(
    '/conversations/:id/notes/',
    {
      attachValidation: true,
      schema: {
        summary: 'Add Internal Note',
        description:
          'A note only staff see: never on the storefront, vendor or shop surfaces, nor in their events.',
        operationId: 'createConversationNote',
        tags,
        params: ConversationIdParams,
        body: NoteBody,
        response: { 201: InboxNote, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const { fields, errors } = bodyOf<{ body: string }>(request)
      const note = await inbox.addNote(signedInUser(request), idOf(request.params.id), fields.body, errors)
      return reply.status(201).send(presentNote(note))
    },
  )

  app.post(
    '/conversations/:id/read/',
    {
      schema: {
        summary: 'Mark Read by Staff',
        description:
          'The staff have read the conversation: its `unread_count` becomes 0. In a conversation with the shop (no seller) the customer also gets the read receipt.',
        operationId: 'markConversationRead',
        tags,
        params: ConversationIdParams,
        response: { 204: Type.Null({ description: 'Marked read' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      await inbox.markRead(signedInUser(request), idOf(request.params.id))
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/conversations/:id/messages/:message_id/image/',
    {
      schema: {
        summary: 'Download Message Image',
        description: 'The image attached to a message of one of the company’s conversations.',
        operationId: 'downloadConversationMessageImage',
        tags,
        params: ConversationMessageParams,
        produces: ['image/jpeg', 'image/png', 'image/webp'],
        response: { 200: Type.Unknown({ description: 'The image' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const { id, message_id: messageId } = request.params
      const { image, content } = await inbox.messageImage(signedInUser(request), idOf(id), idOf(messageId))
      return reply
        .header('content-type', image.contentType)
        .header('content-length', String(image.size))
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(content)
    },
  )
}
