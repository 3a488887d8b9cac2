import { Type } from 'typebox'
import { notFound } from '../../domain/errors.ts'

/** The vendor dialect's error body (see errors.ts); `fields` only on a 422. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A stable machine-readable code, e.g. `not_found`, `forbidden`.' }),
      message: Type.String({ description: 'A human-readable explanation.' }),
    }),
  },
  { description: 'An error: `{"error": {"code", "message"}}`.' },
)

export const ValidationErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.Literal('validation_error'),
      message: Type.String({ examples: ['The given data was invalid.'] }),
      fields: Type.Record(Type.String(), Type.Array(Type.String()), {
        description:
          'Every problem found, by request field, e.g. `{"product_id": ["This product is not published."]}`.',
      }),
    }),
  },
  { description: 'Validation failed (422): `{"error": {"code": "validation_error", "message", "fields"}}`.' },
)

/** The errors every authenticated vendor route can answer with. */
export const commonErrors = {
  401: { ...ErrorResponse, description: 'No valid session (`unauthenticated`).' },
  403: { ...ErrorResponse, description: 'On unsafe methods: the `X-CSRF-TOKEN` header is missing or wrong.' },
  404: { ...ErrorResponse, description: 'No such conversation, or the caller is not one of its parties.' },
  422: ValidationErrorResponse,
}

export const ConversationParams = Type.Object({
  id: Type.String({ description: 'Conversation ID.' }),
})

export const MessageParams = Type.Object({
  id: Type.String({ description: 'Conversation ID.' }),
  messageId: Type.String({ description: 'Message ID.' }),
})

/** A path id; anything that cannot be one names nothing, so it is a 404 like an id that matches no row. */
export function pathId(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw notFound()
  return Number(value)
}

export const vendorSecurity =
  'Needs the `PARTIZAP_SESSION` session cookie (a storefront `sessionid` works too)'
export const csrfNote = `${vendorSecurity}, and the \`X-CSRF-TOKEN\` header equal to the \`CSRF_TOKEN\` cookie.`
