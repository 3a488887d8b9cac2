import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Domain } from '../../domain/create-domain.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { signedInUser } from '../http/request-context.ts'
import { Page, PageQuery, pageOf, requestedPage } from './pagination.ts'
import { idOf, schemaErrorsOf, validFields } from './request-parsing.ts'
import { presentDelivery, presentEndpoint, presentEndpointWithSecret } from './webhook-presenters.ts'
import {
  CreateEndpointBody,
  DeliveryIdParams,
  DeliveryListQuery,
  DeliveryResponse,
  type EndpointBody,
  EndpointIdParams,
  EndpointResponse,
  EndpointWithSecretResponse,
  ReplayBody,
  ReplayResponse,
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
        operationId: 'listWebhookEndpoints',
        description: `The company’s endpoints, newest first, a DRF page at a time; secrets are never listed.${ADMIN_ONLY}`,
        tags,
        querystring: Type.Object(PageQuery),
        response: { 200: Page(EndpointResponse), 404: DetailResponse },
      },
    },
    async (request) => {
      const at = requestedPage(request.query)
      const { endpoints, total } = await webhooks.list(signedInUser(request), at)
      return pageOf(request, at, total, endpoints.map(presentEndpoint))
    },
  )

  app.post(
    '/webhook-endpoints/',
    {
      attachValidation: true,
      schema: {
        summary: 'Register a webhook endpoint',
        operationId: 'createWebhookEndpoint',
        description: `Makes an endpoint and its signing secret, which this answer shows once.${ADMIN_ONLY}`,
        tags,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecretResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { input, errors } = endpointInput(request)
      const created = await webhooks.create(signedInUser(request), input, errors)
      return reply.status(201).send(presentEndpointWithSecret(created))
    },
  )

  app.get(
    '/webhook-endpoints/:id/',
    {
      schema: {
        summary: 'Retrieve a webhook endpoint',
        operationId: 'retrieveWebhookEndpoint',
        description: `One endpoint, without its secret.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 200: EndpointResponse, 404: DetailResponse },
      },
    },
    async (request) => presentEndpoint(await webhooks.get(signedInUser(request), idOf(request.params.id))),
  )

  app.patch(
    '/webhook-endpoints/:id/',
    {
      attachValidation: true,
      schema: {
        summary: 'Change a webhook endpoint',
        operationId: 'partialUpdateWebhookEndpoint',
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
      return presentEndpoint(await webhooks.update(signedInUser(request), id, input, errors))
    },
  )

  app.delete(
    '/webhook-endpoints/:id/',
    {
      schema: {
        summary: 'Delete a webhook endpoint',
        operationId: 'deleteWebhookEndpoint',
        description: `Deletes the endpoint with its deliveries; nothing more is sent to it.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      await webhooks.remove(signedInUser(request), idOf(request.params.id))
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/webhook-endpoints/:id/rotate-secret/',
    {
      schema: {
        summary: 'Rotate a webhook endpoint’s secret',
        operationId: 'rotateWebhookEndpointSecret',
        description: `Makes a new secret, shown once in this answer. For 24 hours the old one signs too (a second \`v1,\` signature in \`webhook-signature\`), so the receiver can switch without a gap.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 200: EndpointWithSecretResponse, 404: DetailResponse },
      },
    },
    async (request) =>
      presentEndpointWithSecret(await webhooks.rotateSecret(signedInUser(request), idOf(request.params.id))),
  )

  app.get(
    '/webhook-endpoints/:id/deliveries/',
    {
      schema: {
        summary: 'List an endpoint’s deliveries',
        operationId: 'listWebhookDeliveries',
        description: `Newest first, each with its attempts (status code, latency, the start of the answer) and its next attempt while pending.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        querystring: DeliveryListQuery,
        response: { 200: Page(DeliveryResponse), 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const at = requestedPage(request.query)
      const { deliveries, total } = await webhooks.deliveries(
        signedInUser(request),
        idOf(request.params.id),
        request.query.status,
        at,
      )
      return pageOf(request, at, total, deliveries.map(presentDelivery))
    },
  )

  app.post(
    '/webhook-deliveries/:id/resend/',
    {
      schema: {
        summary: 'Resend a webhook delivery',
        operationId: 'resendWebhookDelivery',
        description: `Sends the delivery again at once, under the same \`webhook-id\`, with a fresh schedule of retries.${ADMIN_ONLY}`,
        tags,
        params: DeliveryIdParams,
        response: { 202: DeliveryResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const delivery = await webhooks.resend(signedInUser(request), idOf(request.params.id))
      return reply.status(202).send(presentDelivery(delivery))
    },
  )

  app.post(
    '/webhook-endpoints/:id/replay/',
    {
      attachValidation: true,
      schema: {
        summary: 'Replay a time range of events',
        operationId: 'replayWebhookEvents',
        description: `Queues again to this endpoint every event of the company written from \`since\` to \`until\` that it subscribes to, oldest first, each under its own \`webhook-id\`: for a receiver that was down or lost data.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        body: ReplayBody,
        response: { 202: ReplayResponse, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const errors = schemaErrorsOf(request)
      const body = validFields<{ since: string; until: string }>(request.body, errors)
      const date = (value: string | undefined) => (value === undefined ? undefined : new Date(value))
      const queued = await webhooks.replay(
        signedInUser(request),
        idOf(request.params.id),
        { since: date(body.since), until: date(body.until) },
        errors,
      )
      return reply.status(202).send({ queued })
    },
  )

  app.post(
    '/webhook-endpoints/:id/test/',
    {
      schema: {
        summary: 'Send a test event',
        operationId: 'testWebhookEndpoint',
        description: `Queues a \`webhook.test\` event to this endpoint alone, signed like any other.${ADMIN_ONLY}`,
        tags,
        params: EndpointIdParams,
        response: { 202: DeliveryResponse, 404: DetailResponse },
      },
    },
    async (request, reply) => {
      const delivery = await webhooks.sendTest(signedInUser(request), idOf(request.params.id))
      return reply.status(202).send(presentDelivery(delivery))
    },
  )
}
