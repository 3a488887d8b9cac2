import type { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { presentMessage, presentReadState } from './conversation-presenters.ts'
import { Message } from './conversation-schemas.ts'
import {
  MessageList,
  MessageListQuery,
  PostMessageRequest,
  ReadRequest,
  ReadState,
} from './message-schemas.ts'
import {
  ConversationParams,
  commonErrors,
  csrfNote,
  MessageParams,
  pathId,
  vendorSecurity,
} from './schemas.ts'
import { requireVendorPrincipal } from './session.ts'
import { inWireFields } from './wire-fields.ts'

const listDescription = `A page of the dialog's messages, oldest first: the newest \`limit\` (default 50, at most 100), and with \`cursor\` (the previous page's \`meta.next_cursor\`) the ones before it. Fetching is receiving: the other party's messages on the page become \`is_delivered\` for it, and it is told so by a \`message.delivered\` event. ${vendorSecurity}; anyone else gets a 404.`

const postDescription = `Adds a message to the dialog: \`text\`, an \`image\` (multipart/form-data; JPEG, PNG or WebP, checked by content, at most 5 MB), or both. 201 with the message; both parties get \`message.created\` and \`conversation.updated\` events. ${csrfNote}`

const readDescription = `Marks the dialog read by the caller up to \`message_id\` (a message of this dialog; default the newest) and answers with the caller's read state. Marks only move forward; the other party gets a \`message.read\` event. ${csrfNote}`

export const messageRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const dialogs = domain.dialogs

  app.get(
    '/conversations/:id/messages',
    {
      schema: {
        summary: 'List messages',
        description: listDescription,
        operationId: 'listVendorMessages',
        tags: ['Vendor conversations'],
        params: ConversationParams,
        querystring: MessageListQuery,
        response: {
          200: MessageList,
          401: commonErrors[401],
          404: commonErrors[404],
          422: commonErrors[422],
        },
      },
    },
    async (request) => {
      const principal = requireVendorPrincipal(request)
      const { cursor, limit } = request.query
      const page = await dialogs.listMessages(principal, pathId(request.params.id), {
        limit,
        beforeId: cursor,
      })
      return { data: page.messages.map(presentMessage), meta: { next_cursor: page.nextBeforeId } }
    },
  )

  app.post(
    '/conversations/:id/messages',
    {
      schema: {
        summary: 'Send message',
        description: postDescription,
        operationId: 'sendVendorMessage',
        tags: ['Vendor conversations'],
        consumes: ['application/json', 'multipart/form-data'],
        params: ConversationParams,
        body: PostMessageRequest,
        response: { 201: Type.Object({ data: Message }), ...commonErrors },
      },
    },
    async (request, reply) => {
      const principal = requireVendorPrincipal(request)
      const id = pathId(request.params.id)
      const input = { text: request.body?.text, image: request.uploads?.get('image') }
      const message = await inWireFields(() => dialogs.postMessage(principal, id, input))
      return reply.status(201).send({ data: presentMessage(message) })
    },
  )

  app.post(
    '/conversations/:id/read',
    {
      schema: {
        summary: 'Mark conversation read',
        description: readDescription,
        operationId: 'markVendorConversationRead',
        tags: ['Vendor conversations'],
        params: ConversationParams,
        body: ReadRequest,
        response: { 200: ReadState, ...commonErrors },
      },
      // No body at all means the default, as an empty object does.
      preValidation: async (request) => {
        request.body ??= {}
      },
    },
    async (request) => {
      const principal = requireVendorPrincipal(request)
      const id = pathId(request.params.id)
      const messageId = request.body.message_id
      const state = await inWireFields(() => dialogs.markRead(principal, id, messageId))
      return { data: presentReadState(id, state) }
    },
  )

  app.get(
    '/conversations/:id/messages/:messageId/image',
    {
      schema: {
        summary: "Get a message's image",
        description: `The image of a message, served to the dialog's two parties only. ${vendorSecurity}; anyone else, a message without an image, or one whose file is gone from the data folder, gets a 404.`,
        operationId: 'getVendorMessageImage',
        tags: ['Vendor conversations'],
        produces: ['image/jpeg', 'image/png', 'image/webp'],
        params: MessageParams,
        response: {
          200: Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'The image itself.' }),
          401: commonErrors[401],
          404: commonErrors[404],
        },
      },
    },
    async (request, reply) => {
      const principal = requireVendorPrincipal(request)
      const { id, messageId } = request.params
      const { image, content } = await dialogs.messageImage(principal, pathId(id), pathId(messageId))
      return reply
        .header('content-type', image.contentType)
        .header('content-length', String(image.size))
        .header('cache-control', 'private, max-age=3600')
        .header('x-content-type-options', 'nosniff')
        .send(content)
    },
  )
}
