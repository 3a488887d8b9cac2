import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { PostOutcome } from '../../domain/conversations/engine/conversations-service.ts'
import type { SenderClaim } from '../../domain/conversations/types.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DomainError, notFound } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { drfSchemaWording } from '../drf/wording.ts'
import { IdempotencyKeyHeaders, idempotencyOf } from '../http/idempotency-key.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import { refuseFields } from '../http/wording.ts'
import { presentConversation } from './conversation-presenters.ts'
import {
  Conversation,
  ConversationQuery,
  CreateConversationRequest,
  InboxQuery,
} from './conversation-schemas.ts'
import { requirePrincipal } from './session-auth.ts'

/** The seed's field names for the engine's. */
const wireNames: Record<string, string> = {
  sender: 'content_id',
  customerId: 'user',
  sellerId: 'datasource',
  itemType: 'item_content',
  itemId: 'item_id',
  type: 'conversation_type',
  isPublic: 'is_public',
  text: 'message_content',
  userType: 'user_type',
  conversationId: 'conversation',
}
const domainNames = Object.fromEntries(Object.entries(wireNames).map(([domain, wire]) => [wire, domain]))
const rename = <T>(fields: Record<string, T>, names: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).map(([field, list]) => [names[field] ?? field, list]))

const listDescription = `Lists the user's conversations (messages): as a customer, and as a member of a DataSource.

Newest activity first, paged with \`page\` and \`limit\` (default 20, at most 100); the total is in the \`X-Total-Count\` header. **\`message_set\` holds the latest message only** (empty for a conversation without messages), so the list costs the same however long the conversations are; retrieve a conversation for its messages.`

const retrieveDescription = `Retrieves details of a specific conversation, with its \`message_set\` oldest first: the latest \`message_limit\` messages (default 100, at most 1000); \`before\` (a message id) pages back to older ones. A conversation the user takes no part in is 404.`

const createDescription = `Creates a new conversation or message.

The sender is \`content_type\` + \`content_id\`: \`user\` must be the authenticated user; \`datasource\` a DataSource the user is a member of. A new conversation is with \`datasource\`, else with the seller of the item (\`item_content\` + \`item_id\`; an order item must be in one of the user's orders), else with the shop. A DataSource starting one names the customer in \`user\`. With \`conversation\`, the message is added to that conversation, whose party the sender must be; a DataSource cannot reply to a review.

An \`Idempotency-Key\` header makes a retry with the same body answer with the first result instead of writing again; the same key with another body is a 422. Answers 201 with the conversation as retrieve renders it.`

export const conversationRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const engine = domain.conversations

  const render = async (principal: Principal, id: number, page: { limit: number; beforeId?: number }) => {
    const { conversation, messages } = await engine.getConversationWithMessages(principal, id, page)
    return presentConversation(conversation, messages)
  }

  app.get(
    '/conversations/',
    {
      schema: {
        summary: 'List Conversations',
        description: listDescription,
        operationId: 'listConversations',
        tags: ['Contact'],
        security: [{ cookieAuth: [] }],
        querystring: InboxQuery,
        response: { 200: Type.Array(Conversation), 403: DetailResponse },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const { page, limit } = request.query
      const { items, total } = await engine.listInbox(principal, { limit, offset: (page - 1) * limit })
      reply.header('x-total-count', String(total))
      return items.map((view) => presentConversation(view, view.lastMessage ? [view.lastMessage] : []))
    },
  )

  app.get(
    '/conversations/:id/',
    {
      schema: {
        summary: 'Retrieve Conversation',
        description: retrieveDescription,
        operationId: 'getConversation',
        tags: ['Contact'],
        security: [{ cookieAuth: [] }],
        params: Type.Object({ id: Type.String({ description: 'Conversation ID' }) }),
        querystring: ConversationQuery,
        response: { 200: Conversation, 403: DetailResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request)
      // Any id that is not a conversation's is simply not found, as Django's lookup answers.
      if (!/^\d{1,15}$/.test(request.params.id)) throw notFound()
      const { message_limit: limit, before } = request.query
      return render(principal, Number(request.params.id), { limit, beforeId: before })
    },
  )

  app.post(
    '/conversations/',
    {
      attachValidation: true,
      schema: {
        summary: 'Create Conversation',
        description: createDescription,
        operationId: 'createConversation',
        tags: ['Contact'],
        security: [{ cookieAuth: [] }],
        headers: IdempotencyKeyHeaders,
        body: CreateConversationRequest,
        response: {
          201: Conversation,
          400: ErrorResponse,
          403: DetailResponse,
          404: DetailResponse,
          422: DetailResponse,
        },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request)
      const body = (request.body ?? {}) as Partial<CreateConversationRequest>
      const idempotency = idempotencyOf(request, () => body)
      const validation = request.validationError?.validation
      const schemaErrors = validation ? fieldErrorsFromSchema(validation, drfSchemaWording) : {}
      const valid = <K extends keyof CreateConversationRequest>(field: K) =>
        schemaErrors[field] ? undefined : body[field]
      const contentId = valid('content_id')
      const contentType = valid('content_type')
      const sender: SenderClaim | undefined =
        contentId === undefined || contentType === undefined
          ? undefined
          : contentType === 'user'
            ? { as: 'user', userId: contentId }
            : { as: 'seller', sellerId: contentId }
      const options = { priorErrors: rename(refuseFields(request, schemaErrors), domainNames), idempotency }
      const message = {
        sender,
        text: valid('message_content'),
        userType: valid('user_type'),
      }
      let outcome: PostOutcome
      try {
        outcome =
          body.conversation !== undefined
            ? await engine.postMessage(
                principal,
                { ...message, conversationId: valid('conversation') },
                options,
              )
            : await engine.startConversation(
                principal,
                {
                  ...message,
                  customerId: valid('user'),
                  sellerId: valid('datasource'),
                  itemType: valid('item_content'),
                  itemId: valid('item_id'),
                  subject: valid('subject'),
                  type: valid('conversation_type'),
                  isPublic: valid('is_public'),
                },
                options,
              )
      } catch (error) {
        if (error instanceof DomainError && error.code === 'validation') {
          throw new DomainError('validation', error.reason, rename({ ...error.fields }, wireNames))
        }
        throw error
      }
      return reply.status(201).send(await render(principal, outcome.conversationId, { limit: 100 }))
    },
  )
}
