import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Config } from '../../config.ts'
import { preferredLanguages } from '../../domain/contacts/language.ts'
import type { Domain } from '../../domain/create-domain.ts'
import { Throttled } from '../../domain/errors.ts'
import { drfForm, formErrors } from '../drf/fields.ts'
import { ErrorResponse } from '../drf/schemas.ts'
import { IdempotencyKeyHeaders, idempotencyOf } from '../http/idempotency-key.ts'
import { camelCase, mapKeys } from '../http/naming.ts'
import { refuseFields } from '../http/wording.ts'
import { ContactUsRequest, ContactUsSubject } from './schemas.ts'
import { actorOf } from './session-auth.ts'

const contactUsDescription = `Submits a contact us message.

**Business Logic:**
- **Email Routing:** Sends an email to recipients configured in \`CONTACT_US_EMAIL_TO\` based on the operation type.
- **User Notification:** Optionally sends a copy to the signed-in user's own address (never to the form's email; none for a guest) if \`CONTACT_US_SEND_USER\` is enabled.
- **Reply-To:** Sets the Reply-To header to the user's email if \`CONTACT_US_REPLY_TO_ONLY_USER\` is enabled.
- **CC/BCC:** Applies CC/BCC rules from \`EMAIL_BCC_AND_CC\` setting.
- **Attachments:** Validates and attaches files if provided.
- **Order Linking:** Links the message to a specific order if required by the subject.

Accepts multipart/form-data, JSON and urlencoded bodies. Throttled per client (429).

An \`Idempotency-Key\` header lets a client that lost the answer send the form again: a form with the key of a stored one answers 200 and stores and mails nothing; the same key with another form is a 422. A signed-in user's keys are their own; guests' keys are shared by every guest, so a guest should send a random one (a UUID).`

/** Who a contact-us form is counted against: the signed-in user, else the client address. */
const contactUsClient = ({ caller, ip }: FastifyRequest) =>
  caller.kind === 'user' ? `contact-us:user:${caller.user.userId}` : `contact-us:ip:${ip}`

export const contactRoutes: FastifyPluginAsyncTypebox<{ domain: Domain; config: Config }> = async (
  app,
  { domain, config },
) => {
  app.get(
    '/contact-us-subjects/',
    {
      schema: {
        summary: 'List Contact Us Subjects',
        description: 'Lists available subjects for the contact us form, localized by `Accept-Language`.',
        operationId: 'listContactUsSubjects',
        security: [],
        tags: ['Contact'],
        response: { 200: Type.Array(ContactUsSubject) },
      },
    },
    async (request) => {
      const { companyId } = await actorOf(request, domain)
      const subjects = await domain.contacts.listSubjects(
        companyId,
        preferredLanguages(request.headers['accept-language']),
      )
      return subjects.map((subject) => ({
        id: subject.id,
        text: subject.text,
        is_order_needed: subject.isOrderNeeded,
      }))
    },
  )

  app.post(
    '/contact-us/',
    {
      attachValidation: true,
      preValidation: drfForm(ContactUsRequest, { relations: ['subject', 'order'] }),
      config: {
        rateLimit: {
          max: config.contactUsRatePerMinute,
          timeWindow: 60_000,
          // Counted in the database, shared by every instance (app.ts).
          keyGenerator: contactUsClient,
          errorResponseBuilder: (request, context) =>
            new Throttled(Math.max(1, Math.ceil(context.ttl / 1000)), 'contact-us', contactUsClient(request)),
        },
      },
      schema: {
        summary: 'Submit Contact Us Form',
        description: contactUsDescription,
        operationId: 'submitContactUs',
        security: [],
        tags: ['Contact'],
        consumes: ['multipart/form-data', 'application/json', 'application/x-www-form-urlencoded'],
        headers: IdempotencyKeyHeaders,
        body: ContactUsRequest,
        response: {
          200: Type.Unknown({ description: 'Message sent successfully (empty body)' }),
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Partial<typeof request.body>
      const file = request.uploads?.get('file')
      const idempotency = idempotencyOf(request, () => ({
        ...body,
        file: file && { filename: file.filename, sha256: file.sha256 },
      }))
      // Problems found reading the form and the domain's own checks are reported together, as DRF does.
      const errors = formErrors(request)
      const valid = <K extends keyof typeof body>(field: K) => (errors[field] ? undefined : body[field])
      await domain.contacts.submit(
        await actorOf(request, domain),
        {
          subject: valid('subject'),
          fullName: valid('full_name'),
          email: valid('email'),
          phone: valid('phone'),
          message: valid('message'),
          order: valid('order'),
          operation: valid('operation'),
          file,
        },
        refuseFields(request, mapKeys(errors, camelCase)),
        idempotency,
      )
      return reply.status(200).send()
    },
  )
}
