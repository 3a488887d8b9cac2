import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { signedInUser } from '../http/request-context.ts'
import { presentMessage } from './conversation-presenters.ts'
import { conversationIdOf } from './conversation-routes.ts'
import {
  ConversationParams,
  errorResponses,
  ListMessagesQuery,
  Message,
  MessageList,
  PostMessageBody,
  ShopError,
  Success,
} from './conversation-schemas.ts'

const tags = ['Conversation']
const security = [{ bearerAuth: [] }]

const listDescription = `A conversation's messages, oldest first, \`limit\` at a time (default 20, at most 100). Pages follow a cursor rather than \`skip\`, so that a page costs the same however long the history is: pass \`meta.nextAfterId\` as \`afterId\` for the next one. \`meta.total\` is the number of messages. A deleted conversation's messages are a 404.`

const postDescription = `A reply from the shop's staff, as the API key's user: \`text\` (or \`message\`) must not be blank (400, \`data.fields.text\`). Its customer, when it has one, sees it in the storefront's conversation at once and it counts as unread for them. Answers 200 with the message. Unknown, another company's or deleted conversation: 404.`

export const messageRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const engine = domain.conversations

  app.get(
    '/conversation/:id/message',
    {
      schema: {
        summary: 'List Messages',
        description: listDescription,
        operationId: 'listShopConversationMessages',
        tags,
        security,
        params: ConversationParams,
        querystring: ListMessagesQuery,
        response: { 200: MessageList, ...errorResponses },
      },
    },
    async (request) => {
      const id = conversationIdOf(request.params.id)
      const { limit, afterId } = request.query
      // A cursor (even 0) makes the engine page forward from the oldest message.
      const page = { limit, afterId: afterId === undefined ? 0 : Number(afterId) }
      const { conversation, messages } = await engine.getConversationWithMessages(
        signedInUser(request),
        id,
        page,
        'staff',
      )
      const last = messages.at(-1)
      const newest = conversation.lastMessage?.id
      const more = last !== undefined && newest !== undefined && last.id < newest
      return {
        success: true as const,
        data: messages.map(presentMessage),
        meta: { total: conversation.messageCount, limit, nextAfterId: more ? String(last.id) : null },
      }
    },
  )

  app.post(
    '/conversation/:id/message',
    {
      schema: {
        summary: 'Create Message',
        description: postDescription,
        operationId: 'createShopConversationMessage',
        tags,
        security,
        params: ConversationParams,
        body: PostMessageBody,
        response: { 200: Success(Message), ...errorResponses, 413: ShopError, 415: ShopError },
      },
    },
    async (request) => {
      const principal = signedInUser(request)
      const id = conversationIdOf(request.params.id)
      // The path names the conversation: one the key cannot see is a 404, not a field error.
      await engine.getConversation(principal, id, 'staff')
      const text = request.body.text ?? request.body.message
      const outcome = await engine.postMessage(principal, {
        conversationId: id,
        sender: { as: 'staff' },
        text,
      })
      if (outcome.messageId === null) throw new Error('a reply was posted without a message')
      const page = { limit: 1, afterId: outcome.messageId - 1 }
      const { messages } = await engine.getConversationWithMessages(principal, id, page, 'staff')
      const [message] = messages
      if (!message) throw new Error(`message ${outcome.messageId} vanished after posting`)
      return { success: true as const, data: presentMessage(message) }
    },
  )
}
