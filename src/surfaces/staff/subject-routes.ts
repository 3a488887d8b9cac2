import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { type Static, Type } from 'typebox'
import type { ContactSubject } from '../../domain/contacts/subjects-repository.ts'
import { subjectTextMaxLength } from '../../domain/contacts/subjects-service.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { DetailResponse, ErrorResponse } from '../drf/schemas.ts'
import { camelCase, mapKeys } from '../http/naming.ts'
import { signedInUser } from '../http/request-context.ts'
import { Page, PageQuery, pageOf, requestedPage } from './pagination.ts'
import { idOf, schemaErrorsOf, validFields } from './request-parsing.ts'

const fields = {
  texts: Type.Record(Type.String(), Type.String({ maxLength: subjectTextMaxLength }), {
    description: 'The subject in each language, e.g. `{"en": "Order", "tr": "Sipariş"}`.',
  }),
  default_language: Type.String({
    maxLength: 16,
    description: "The language shown when none of the client's is available; one of `texts`' keys.",
  }),
  is_order_needed: Type.Boolean({
    description: 'Whether a contact-us form with this subject must name an order.',
  }),
  position: Type.Integer({
    minimum: 0,
    maximum: 32767,
    description: 'Sort order on the form, lowest first.',
  }),
}
const CreateSubjectBody = Type.Object({
  texts: fields.texts,
  default_language: Type.Optional(fields.default_language),
  is_order_needed: Type.Optional(fields.is_order_needed),
  position: Type.Optional(fields.position),
})
const UpdateSubjectBody = Type.Partial(CreateSubjectBody)
type SubjectBody = Static<typeof UpdateSubjectBody>

const SubjectResponse = Type.Object({
  id: Type.Integer(),
  text: Type.String({ description: 'The text in the default language.' }),
  ...fields,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
})
const IdParams = Type.Object({ id: Type.String() })

const presentSubject = (subject: ContactSubject) => ({
  id: subject.id,
  text: subject.texts[subject.defaultLanguage] ?? '',
  texts: subject.texts,
  default_language: subject.defaultLanguage,
  is_order_needed: subject.isOrderNeeded,
  position: subject.position,
  created_at: subject.createdAt.toISOString(),
  updated_at: subject.updatedAt.toISOString(),
})

function subjectInput(request: FastifyRequest) {
  const errors = schemaErrorsOf(request)
  const body = validFields<SubjectBody>(request.body, errors)
  return {
    input: {
      texts: body.texts,
      defaultLanguage: body.default_language,
      isOrderNeeded: body.is_order_needed,
      position: body.position,
    },
    errors: mapKeys(errors, camelCase),
  }
}

const tags = ['Contact subjects']

/** Contact subjects and their translations, as the storefront's contact-us form offers them. */
export const subjectRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const subjects = domain.subjects

  app.get(
    '/contact-subjects/',
    {
      schema: {
        summary: 'List Contact Subjects',
        operationId: 'listContactSubjects',
        tags,
        querystring: Type.Object(PageQuery),
        response: { 200: Page(SubjectResponse), 404: DetailResponse },
      },
    },
    async (request) => {
      const at = requestedPage(request.query)
      const { total, subjects: found } = await subjects.list(signedInUser(request), at)
      return pageOf(request, at, total, found.map(presentSubject))
    },
  )

  app.post(
    '/contact-subjects/',
    {
      attachValidation: true,
      schema: {
        summary: 'Create Contact Subject',
        operationId: 'createContactSubject',
        tags,
        body: CreateSubjectBody,
        response: { 201: SubjectResponse, 400: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { input, errors } = subjectInput(request)
      return reply
        .status(201)
        .send(presentSubject(await subjects.create(signedInUser(request), input, errors)))
    },
  )

  app.get(
    '/contact-subjects/:id/',
    {
      schema: {
        summary: 'Retrieve Contact Subject',
        operationId: 'retrieveContactSubject',
        tags,
        params: IdParams,
        response: { 200: SubjectResponse, 404: DetailResponse },
      },
    },
    async (request) => presentSubject(await subjects.get(signedInUser(request), idOf(request.params.id))),
  )

  app.patch(
    '/contact-subjects/:id/',
    {
      attachValidation: true,
      schema: {
        summary: 'Update Contact Subject',
        description: 'Changes the given fields; `texts`, when given, replaces every translation.',
        operationId: 'updateContactSubject',
        tags,
        params: IdParams,
        body: UpdateSubjectBody,
        response: { 200: SubjectResponse, 400: ErrorResponse, 404: DetailResponse },
      },
    },
    async (request) => {
      const { input, errors } = subjectInput(request)
      const id = idOf(request.params.id)
      return presentSubject(await subjects.update(signedInUser(request), id, input, errors))
    },
  )

  app.delete(
    '/contact-subjects/:id/',
    {
      schema: {
        summary: 'Delete Contact Subject',
        description: 'Contacts made with the subject keep its text.',
        operationId: 'deleteContactSubject',
        tags,
        params: IdParams,
        response: { 204: Type.Null(), 404: DetailResponse },
      },
    },
    async (request, reply) => {
      await subjects.remove(signedInUser(request), idOf(request.params.id))
      return reply.status(204).send(null)
    },
  )
}
