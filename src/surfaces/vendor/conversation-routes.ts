import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { DialogCursor } from '../../domain/conversations/dialogs/dialogs-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { Refusal } from '../http/failures.ts'
import { presentConversation } from './conversation-presenters.ts'
import {
  Conversation,
  ConversationList,
  ConversationListQuery,
  StartConversationRequest,
} from './conversation-schemas.ts'
import { ConversationParams, commonErrors, csrfNote, pathId, vendorSecurity } from './schemas.ts'
import { requireVendorPrincipal } from './session.ts'
import { inWireFields } from './wire-fields.ts'

// The cursor is opaque to clients: the inbox position of the page's last dialog.
const encodeCursor = (cursor: DialogCursor) =>
  Buffer.from(JSON.stringify([cursor.at, cursor.conversationId])).toString('base64url')

function decodeCursor(value: string): DialogCursor {
  try {
    const [at, conversationId] = JSON.parse(Buffer.from(value, 'base64url').toString())
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(conversationId)) {
      return { at, conversationId }
    }
  } catch {
    // Reported below like any other cursor that is not one of ours.
  }
  throw new Refusal('validation', 'Invalid cursor.', { cursor: ['Invalid cursor.'] })
}

const startDescription = `Opens a dialog with the seller of a product, the first message included: 201 with the dialog.

A buyer who already has a dialog about that product gets the message added to it instead: 200 with that dialog. The product must exist and be published; a member of the product's seller cannot open a dialog about the seller's own product. Either refusal is a 422 on \`product_id\`. ${csrfNote}`

const listDescription = `The caller's dialogs, as a buyer and as a member of each seller it acts for, newest activity first. Each carries the caller's \`unread_count\`; \`meta.total_unread\` sums them over every dialog. Paged with \`limit\` (default 20, at most 100) and \`cursor\` (the previous page's \`meta.next_cursor\`). ${vendorSecurity}.`

export const conversationRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const dialogs = domain.dialogs

  app.post(
    '/conversations',
    {
      schema: {
        summary: 'Start new conversation',
        description: startDescription,
        operationId: 'startVendorConversation',
        tags: ['Vendor conversations'],
        body: StartConversationRequest,
        response: {
          200: Type.Object({ data: Conversation }, { description: 'Message added to the existing dialog.' }),
          201: Type.Object({ data: Conversation }, { description: 'Conversation created.' }),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const principal = requireVendorPrincipal(request)
      const { product_id: productId, message: text } = request.body
      const { created, dialog } = await inWireFields(
        () => dialogs.openDialog(principal, { productId, text }),
        { text: 'message' },
      )
      return reply.status(created ? 201 : 200).send({ data: presentConversation(dialog) })
    },
  )

  app.get(
    '/conversations',
    {
      schema: {
        summary: 'List conversations',
        description: listDescription,
        operationId: 'listVendorConversations',
        tags: ['Vendor conversations'],
        querystring: ConversationListQuery,
        response: { 200: ConversationList, 401: commonErrors[401], 422: commonErrors[422] },
      },
    },
    async (request) => {
      const principal = requireVendorPrincipal(request)
      const { cursor, limit } = request.query
      const page = await dialogs.listDialogs(principal, {
        limit,
        after: cursor === undefined ? undefined : decodeCursor(cursor),
      })
      return {
        data: page.items.map(presentConversation),
        meta: { next_cursor: page.next && encodeCursor(page.next), total_unread: page.totalUnread },
      }
    },
  )

  app.get(
    '/conversations/:id',
    {
      schema: {
        summary: 'Get conversation',
        description: `One dialog of the caller's, with its last message and the caller's \`unread_count\`. ${vendorSecurity}; anyone else gets a 404.`,
        operationId: 'getVendorConversation',
        tags: ['Vendor conversations'],
        params: ConversationParams,
        response: {
          200: Type.Object({ data: Conversation }),
          401: commonErrors[401],
          404: commonErrors[404],
        },
      },
    },
    async (request) => {
      const principal = requireVendorPrincipal(request)
      const dialog = await dialogs.getDialog(principal, pathId(request.params.id))
      return { data: presentConversation(dialog) }
    },
  )
}
