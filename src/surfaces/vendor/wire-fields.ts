import { DomainError, type FieldProblems } from '../../domain/errors.ts'

/** The domain's field names as this surface's clients send them; the rest only change case (errors.ts). */
const wireFieldNames: Record<string, string> = {
  itemId: 'product_id',
  sellerId: 'product_id',
  messageId: 'message_id',
}

/** Runs a domain call, renaming the fields of its validation errors to the ones this surface's client sent. */
export async function inWireFields<T>(call: () => Promise<T>, names: Record<string, string> = {}) {
  try {
    return await call()
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'validation') throw error
    const all = { ...wireFieldNames, ...names }
    const fields: FieldProblems = {}
    for (const [field, list] of Object.entries(error.fields)) {
      const wire = all[field] ?? field
      fields[wire] = [...(fields[wire] ?? []), ...list]
    }
    throw new DomainError('validation', error.reason, fields)
  }
}
