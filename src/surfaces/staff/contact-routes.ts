import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { type ContactOrdering, contactSortKeys } from '../../domain/contacts/contact-list-repository.ts'
import { CONTACT_STATUSES } from '../../domain/contacts/contacts-repository.ts'
import {
  CONTACT_COUNT_BOUND,
  CONTACT_SEARCH_COUNT_BOUND,
} from '../../domain/contacts/staff-contacts-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { camelCase, mapKeys } from '../http/naming.ts'
import { signedInUser } from '../http/request-context.ts'
import { presentContact, presentEmail, presentReply } from './contact-presenter.ts'
import {
  type ContactBody,
  ContactEmailParams,
  ContactIdParams,
  ContactListQuery,
  ContactPage,
  ContactReplyResponse,
  ContactResponse,
  CreateContactBody,
  EmailResponse,
  ReplaceContactBody,
  ReplyBody,
  UpdateContactBody,
} from './contact-schemas.ts'
import { cappedPageOf, requestedPage } from './pagination.ts'
import {
  assigneeFilter,
  booleanFilter,
  dateTimeFilter,
  idFilter,
  idOf,
  schemaErrorsOf,
  validFields,
} from './request-parsing.ts'

const contactStatusFilter = (value: string | undefined) => CONTACT_STATUSES.find((status) => status === value)

const DEFAULT_ORDERING: ContactOrdering = [{ key: 'createdAt', descending: true }]

/** DRF's OrderingFilter: known fields in the order given, unknown ones ignored. */
function orderingOf(value: string | undefined): ContactOrdering {
  const ordering = (value ?? '')
    .split(',')
    .map((field) => field.trim())
    .map((field) => ({ key: camelCase(field.replace(/^-/, '')), descending: field.startsWith('-') }))
    .filter((term): term is ContactOrdering[number] => term.key in contactSortKeys)
  return ordering.length > 0 ? ordering : DEFAULT_ORDERING
}

/** The body's fields by domain name, and its schema problems for the domain to report with its own. */
function contactInput(request: FastifyRequest) {
  const errors = schemaErrorsOf(request)
  const body = validFields<ContactBody>(request.body, errors)
  const input = {
    subject: body.subject,
    message: body.message,
    firstName: body.first_name,
    lastName: body.last_name,
    email: body.email,
    mobileNumber: body.mobile_number,
    viewed: body.viewed,
    status: body.status,
    assignee: body.assignee,
  }
  return { input, errors: mapKeys(errors, camelCase) }
}

const bodyTypes = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded']

export const contactRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const contacts = domain.staffContacts
  const present = (request: FastifyRequest) => {
    const base = `${request.protocol}://${request.host}${app.prefix}`
    return (contact: Parameters<typeof presentContact>[0]) => presentContact(contact, base)
  }

  app.post(
    '/contacts/',
    {
      attachValidation: true,
      schema: {
        summary: 'Create Contact',
        description: 'Create a new contact. JSON, form and multipart bodies are accepted.',
        operationId: 'createContact',
        tags: ['Contacts'],
        consumes: bodyTypes,
        body: CreateContactBody,
        response: { 201: ContactResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { input, errors } = contactInput(request)
      const contact = await contacts.create(signedInUser(request), input, errors)
      return reply.status(201).send(present(request)(contact))
    },
  )

  app.get(
    '/contacts/',
    {
      schema: {
        summary: 'List Contacts',
        description: `Contact-us submissions and staff-made contacts, newest first, a DRF page at a time. Counting stops past ${CONTACT_COUNT_BOUND.toLocaleString('en')} matches, ${CONTACT_SEARCH_COUNT_BOUND.toLocaleString('en')} with \`search\`: \`count_capped\` says when more match.`,
        operationId: 'listContacts',
        tags: ['Contacts'],
        querystring: ContactListQuery,
        response: { 200: ContactPage, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const query = request.query as Record<string, string | undefined>
      const at = requestedPage(request.query)
      const {
        count,
        unviewed,
        contacts: found,
      } = await contacts.list(signedInUser(request), {
        viewed: booleanFilter(request.query.viewed),
        status: contactStatusFilter(request.query.status),
        subjectId: idFilter(request.query.subject),
        operation: request.query.operation || undefined,
        assignee: assigneeFilter(request.query.assignee),
        createdFrom: dateTimeFilter(query, ['created_at__gte', 'created_at_after']),
        createdTo: dateTimeFilter(query, ['created_at__lte', 'created_at_before']),
        searchTerms: (request.query.search ?? '').split(/[\s,]+/).filter((term) => term !== ''),
        ordering: orderingOf(request.query.ordering),
        offset: at.offset,
        limit: at.limit,
      })
      return {
        ...cappedPageOf(request, at, count, found.map(present(request))),
        total_unviewed: unviewed.total,
        total_unviewed_capped: unviewed.capped,
      }
    },
  )

  app.get(
    '/contacts/:id/',
    {
      schema: {
        summary: 'Retrieve Contact',
        description: 'The first retrieval by staff marks the contact viewed and sets `viewed_at`.',
        operationId: 'retrieveContact',
        tags: ['Contacts'],
        params: ContactIdParams,
        response: { 200: ContactResponse, 404: DetailResponse },
      },
    },
    async (request) => present(request)(await contacts.open(signedInUser(request), idOf(request.params.id))),
  )

  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/contacts/:id/',
      attachValidation: true,
      schema: {
        summary: method === 'PATCH' ? 'Partially Update Contact' : 'Update Contact',
        description:
          'Changes the given fields. `viewed: false` marks the contact unread again and clears `viewed_at`.',
        operationId: method === 'PATCH' ? 'partialUpdateContact' : 'updateContact',
        tags: ['Contacts'],
        consumes: bodyTypes,
        params: ContactIdParams,
        body: method === 'PATCH' ? UpdateContactBody : ReplaceContactBody,
        response: { 200: ContactResponse, 400: ErrorResponse, 404: DetailResponse },
      },
      handler: async (request) => {
        const { input, errors } = contactInput(request)
        const id = idOf((request.params as { id: string }).id)
        return present(request)(await contacts.update(signedInUser(request), id, input, errors))
      },
    })
  }

  app.delete(
    '/contacts/:id/',
    {
      schema: {
        summary: 'Delete Contact',
        operationId: 'deleteContact',
        tags: ['Contacts'],
        params: ContactIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      await contacts.remove(signedInUser(request), idOf(request.params.id))
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/contacts/:id/attachment/',
    {
      schema: {
        summary: 'Download Contact Attachment',
        description: 'The file sent with a contact-us submission, as it was uploaded. Staff only.',
        operationId: 'downloadContactAttachment',
        tags: ['Contacts'],
        params: ContactIdParams,
        produces: ['application/octet-stream'],
        response: { 200: Type.Unknown({ description: 'The file' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const file = await contacts.attachment(signedInUser(request), idOf(request.params.id))
      const asciiName = file.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
      return (
        reply
          .header('content-type', file.contentType)
          .header('content-length', String(file.size))
          .header(
            'content-disposition',
            `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
          )
          // The file came from a stranger: the browser must not guess it is a page and run it.
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store')
          .send(file.content)
      )
    },
  )

  app.post(
    '/contacts/:id/replies/',
    {
      attachValidation: true,
      schema: {
        summary: 'Answer Contact by Email',
        description:
          'Keeps the answer on the contact (with its author) and queues its email through the outbox to the contact’s address, threaded (`In-Reply-To`, `References`) to the email the contact-us form sent the staff. A contact without an email address cannot be answered (400).',
        operationId: 'replyToContact',
        tags: ['Contacts'],
        consumes: bodyTypes,
        params: ContactIdParams,
        body: ReplyBody,
        response: { 201: ContactReplyResponse, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const errors = schemaErrorsOf(request)
      const body = validFields<{ body: string }>(request.body, errors).body
      const answer = await contacts.reply(signedInUser(request), idOf(request.params.id), body, errors)
      return reply.status(201).send(presentReply(answer))
    },
  )

  app.post(
    '/contacts/:id/emails/:email_id/retry/',
    {
      schema: {
        summary: 'Send Contact Email Again',
        description:
          'Queues a `failed` email of the contact again (status `pending`, attempts counted afresh). Any other status is a 400.',
        operationId: 'retryContactEmail',
        tags: ['Contacts'],
        params: ContactEmailParams,
        response: { 200: EmailResponse, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const { id, email_id: emailId } = request.params
      return presentEmail(await contacts.retryEmail(signedInUser(request), idOf(id), idOf(emailId)))
    },
  )
}
