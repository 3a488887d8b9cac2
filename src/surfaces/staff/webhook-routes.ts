import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { Page, PageQuery, pageOf, requestedPage } from './pagination.ts'
import { idOf, schemaErrorsOf, validFields } from './request-parsing.ts'
import { presentEndpoint, presentEndpointWithSecret } from './webhook-presenters.ts'
import {
  CreateEndpointBody,
  type EndpointBody,
  EndpointIdParams,
  EndpointResponse,
  EndpointWithSecretResponse,
  UpdateEndpointBody,
} from './webhook-schemas.ts'

const tags = ['Webhooks']
const ADMIN_ONLY = ' Admin only.'

/** The body's valid fields, and its schema problems for the domain to report with its own. */
function endpointInput(request: FastifyRequest) {
  const errors = schemaErrorsOf(request)
  return { input: validFields<EndpointBody>(request.body, errors), errors }
}

/** Webhook endpoints (issue 26): an admin registers receivers of signed events and watches their deliveries. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const webhooks = domain.webhooks

  app.get(
    '/webhook-endpoints/',
    {
      schema: {
        summary: 'List webhook endpoints',
        description: `The company’s endpoints, newest first, a DRF page at a time; secrets are never listed.${ADMIN_ONLY}`,
        tags,
        querystring: Type.Object(PageQuery),
        response: { 200: Page(EndpointResponse), 404: DetailResponse },
      },
    },
    async (request) => {
      const at = requestedPage(request.query)
      const { endpoints, total } = await webhooks.list(request.staff, at)
      return pageOf(request, at, total, endpoints.map(presentEndpoint))
    },
  )

  app.post(
    '/webhook-endpoints/',
    {
      attachValidation: true,
      schema: {
        summary: 'Register a webhook endpoint',
        description: `Makes an endpoint and its signing secret, which this answer shows once.${ADMIN_ONLY}`,
        tags,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecretResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { input, errors } = endpointInput(request)
      const created = await webhooks.create(request.staff, input, errors)
      return reply.status(201).send(presentEndpointWithSecret(created))
    },
  )

  app.get(
    '/webhook-endpoints/:id/',
    {
      schema: {
        summary: 'Retrieve a webhook endpoint',
        description: `One endpoint, without its secret.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 200: EndpointResponse, 404: DetailResponse },
      },
    },
    async (request) => presentEndpoint(await webhooks.get(request.staff, idOf(request.params.id))),
  )

  app.patch(
    '/webhook-endpoints/:id/',
    {
      attachValidation: true,
      schema: {
        summary: 'Change a webhook endpoint',
        description: `Changes the fields given. Enabling an endpoint Parley disabled clears its failures.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        body: UpdateEndpointBody,
        response: { 200: EndpointResponse, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const { input, errors } = endpointInput(request)
      const id = idOf(request.params.id)
      return presentEndpoint(await webhooks.update(request.staff, id, input, errors))
    },
  )

  app.delete(
    '/webhook-endpoints/:id/',
    {
      schema: {
        summary: 'Delete a webhook endpoint',
        description: `Deletes the endpoint with its deliveries; nothing more is sent to it.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      await webhooks.remove(request.staff, idOf(request.params.id))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/webhook-endpoints/:id/rotate-secret/',
    {
      schema: {
        summary: 'Rotate a webhook endpoint’s secret',
        description: `Makes a new secret, shown once in this answer. For 24 hours the old one signs too (a second \`v1,\` signature in \`webhook-signature\`), so the receiver can switch without a gap.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 200: EndpointWithSecretResponse, 404: DetailResponse },
      },
    },
    async (request) =>
      presentEndpointWithSecret(await webhooks.rotateSecret(request.staff, idOf(request.params.id))),
  )
}
