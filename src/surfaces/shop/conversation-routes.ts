import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { type FieldProblems, notFound } from '../../domain/errors.ts'
import type { Principal } from '../../domain/principal.ts'
import { signedInUser } from '../http/request-context.ts'
import { presentConversation } from './conversation-presenters.ts'
import {
  Conversation,
  ConversationList,
  ConversationParams,
  CreateConversationBody,
  DeleteConversationBody,
  DeleteConversationInput,
  errorResponses,
  ListConversationsQuery,
  LocationQuery,
  ShopError,
  Success,
  UpdateConversationBody,
} from './conversation-schemas.ts'

const DIGITS = /^[0-9]{1,15}$/

/** A path id that is not a conversation's is simply not found, like any other unknown id. */
export function conversationIdOf(raw: string): number {
  if (!DIGITS.test(raw)) throw notFound()
  return Number(raw)
}

const tags = ['Conversation']
const security = [{ bearerAuth: [] }]
const bodyErrors = { ...errorResponses, 413: ShopError, 415: ShopError }

const createDescription = `Opens a conversation of the shop's staff (no seller), with a customer of the company or without one, empty until someone writes. One with a customer is in their \`GET /users/conversations/\` at once.

\`customerId\`, when given, must be a user of the API key's company: unknown or another company's is a 400 \`validation_error\` with \`data.fields.customerId\`. Absent, \`null\` or \`""\` opens it without a customer (\`"customerId": null\`, as the seed's example answers): the shop's staff are then its only party, so it is in this API and the staff inbox only, never on a storefront or vendor surface, and only the staff write in it. The location is \`locationId\` (body or query) when given, which must be one of the company's locations (else 400, \`data.fields.locationId\`), else the company's first location. \`deleted: true\` opens it soft-deleted by the key's user with \`deletedReason\`; \`deletedUserId\` is read-only and ignored. Answers 200 with the conversation, as the seed documents.`

const listDescription = `The company's conversations, newest first, paged with \`limit\` (default 20, at most 100) and \`skip\`; \`meta.total\` counts every match. Filters: \`archived\`, \`customerId\`, \`locationId\` (one of the company's locations, else 400), \`deleted\` (default false; true lists the soft-deleted ones only).`

export const conversationRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const engine = domain.conversations

  /** The conversation as the shop sees it: a deleted one is still readable here, unlike anywhere else. */
  const present = async (principal: Principal, id: number) => ({
    success: true as const,
    data: presentConversation(await engine.getConversation(principal, id, 'staff', { includeDeleted: true })),
  })

  app.post(
    '/conversation',
    {
      schema: {
        summary: 'Create Conversation',
        description: createDescription,
        operationId: 'createShopConversation',
        tags,
        security,
        querystring: LocationQuery,
        body: CreateConversationBody,
        response: { 200: Success(Conversation), ...bodyErrors },
      },
    },
    async (request) => {
      const principal = signedInUser(request)
      const { body, query } = request
      const named = body.locationId ?? query.locationId
      const locationId =
        named === undefined ? await domain.accounts.defaultLocation(principal.companyId) : Number(named)
      // The seed requires no field and its example answers "customerId": null: none named is none wanted.
      const customer = body.customerId?.trim() || null
      const customerIsId = customer !== null && DIGITS.test(customer)
      const priorErrors: FieldProblems =
        customer !== null && !customerIsId ? { customerId: [{ code: 'does_not_exist', pk: customer }] } : {}
      const outcome = await engine.startConversation(
        principal,
        {
          sender: { as: 'staff' },
          customerId: customerIsId ? Number(customer) : customer === null ? null : undefined,
          locationId: locationId ?? undefined,
          archived: body.archived,
          deleted: body.deleted,
          deletedReason: body.deletedReason,
        },
        { priorErrors },
      )
      return present(principal, outcome.conversationId)
    },
  )

  app.get(
    '/conversation',
    {
      schema: {
        summary: 'List Conversations',
        description: listDescription,
        operationId: 'listShopConversations',
        tags,
        security,
        querystring: ListConversationsQuery,
        response: { 200: ConversationList, ...errorResponses },
      },
    },
    async (request) => {
      const { archived, deleted, customerId, locationId, limit, skip } = request.query
      const filters = {
        archived,
        deleted,
        customerId: customerId === undefined ? undefined : Number(customerId),
        locationId: locationId === undefined ? undefined : Number(locationId),
      }
      const { items, total } = await engine.listForCompany(signedInUser(request), filters, {
        limit,
        offset: skip,
      })
      return { success: true as const, data: items.map(presentConversation), meta: { total, limit, skip } }
    },
  )

  app.get(
    '/conversation/:id',
    {
      schema: {
        summary: 'Get Conversation',
        description: "One of the company's conversations, also when it is soft-deleted; else 404.",
        operationId: 'getShopConversation',
        tags,
        security,
        params: ConversationParams,
        response: { 200: Success(Conversation), ...errorResponses },
      },
    },
    async (request) => present(signedInUser(request), conversationIdOf(request.params.id)),
  )

  app.put(
    '/conversation/:id',
    {
      schema: {
        summary: 'Update Conversation',
        description:
          'Archives (`archived: true`) or unarchives a conversation; an archived one stays visible to the customer. Other fields are read-only here and ignored. A deleted conversation cannot be changed: 404.',
        operationId: 'updateShopConversation',
        tags,
        security,
        params: ConversationParams,
        body: UpdateConversationBody,
        response: { 200: Success(Conversation), ...bodyErrors },
      },
    },
    async (request) => {
      const principal = signedInUser(request)
      const id = conversationIdOf(request.params.id)
      const { archived } = request.body
      if (archived !== undefined) await engine.setArchived(principal, id, archived)
      // Read through the visible-only path, so that a deleted conversation is a 404 here as for archiving.
      return {
        success: true as const,
        data: presentConversation(await engine.getConversation(principal, id, 'staff')),
      }
    },
  )

  app.delete(
    '/conversation/:id',
    {
      schema: {
        summary: 'Delete Conversation',
        description:
          "Soft-deletes a conversation: `deleted` becomes true, `deletedUserId` the API key's user, `deletedDate` now, and `deletedReason` comes from the body or the query. It disappears from every other surface (the customer's list and retrieval answer as if it never existed). Deleting it again is a 404.",
        operationId: 'deleteShopConversation',
        tags,
        security,
        params: ConversationParams,
        querystring: DeleteConversationInput,
        body: DeleteConversationBody,
        response: { 200: Success(Conversation), ...bodyErrors },
      },
    },
    async (request) => {
      const principal = signedInUser(request)
      const id = conversationIdOf(request.params.id)
      const reason = request.body?.deletedReason ?? request.query.deletedReason ?? null
      await engine.softDelete(principal, id, reason)
      return present(principal, id)
    },
  )
}
