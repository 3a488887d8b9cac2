import { Type } from 'typebox'

/* The error bodies Django REST framework sends, shared by the storefront and staff surfaces. */

export const DetailResponse = Type.Object({ detail: Type.String() })

/** A 400 as DRF sends it: messages per field, or a `detail` when the body could not be read at all. */
export const ErrorResponse = Type.Union(
  [Type.Record(Type.String(), Type.Array(Type.String())), DetailResponse],
  { description: 'Standard DRF validation error response' },
)
