/** The closed set of failures the domain reports; each surface maps them to its own status and body. */
export type DomainErrorCode =
  | 'validation'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'conflict'
  | 'idempotency_mismatch'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'throttled'

/** The key under which a problem with the request as a whole is reported, as Django REST framework does. */
export const NON_FIELD = 'non_field_errors'

export class DomainError extends Error {
  readonly code: DomainErrorCode
  /** For `validation`: messages per field, in Django REST framework's standard English wording. */
  readonly fields: Readonly<Record<string, string[]>>

  constructor(code: DomainErrorCode, message: string, fields: Record<string, string[]> = {}) {
    super(message)
    this.code = code
    this.fields = fields
  }
}

/**
 * Too many attempts: the client may try again in `retryAfterSeconds`. `rule` names what was counted and
 * `client` whose count it was (an address, a user id, an account's hash: never an email), for the log.
 */
export class Throttled extends DomainError {
  readonly retryAfterSeconds: number
  readonly rule: string
  readonly client: string

  constructor(retryAfterSeconds: number, rule: string, client: string) {
    super('throttled', 'Request was throttled.')
    this.retryAfterSeconds = retryAfterSeconds
    this.rule = rule
    this.client = client
  }
}

/**
 * Problems with a batch, one entry per item in the order sent (empty for a good item), as Django REST
 * framework reports a `many=True` serializer's errors.
 */
export class ItemErrors extends DomainError {
  readonly items: ReadonlyArray<Readonly<Record<string, string[]>>>

  constructor(items: Record<string, string[]>[]) {
    super('validation', 'Invalid input.')
    this.items = items
  }
}

export const notFound = (what = 'Not found.') => new DomainError('not_found', what)

/** The same idempotency key sent again with another request. */
export const idempotencyMismatch = () =>
  new DomainError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request.')

/**
 * Collects every field's problems before failing, so a client learns of all of them at once. A surface may
 * seed it with the problems its own parsing found; the domain then skips checks on fields already failing.
 */
export class FieldErrors {
  private readonly byField = new Map<string, string[]>()

  constructor(initial: Record<string, string[]> = {}) {
    for (const [field, messages] of Object.entries(initial)) {
      for (const message of messages) this.add(field, message)
    }
  }

  add(field: string, message: string): void {
    const messages = this.byField.get(field)
    if (messages === undefined) this.byField.set(field, [message])
    else if (!messages.includes(message)) messages.push(message)
  }

  has(field: string): boolean {
    return this.byField.has(field)
  }

  get isEmpty(): boolean {
    return this.byField.size === 0
  }

  throwIfAny(): void {
    if (this.isEmpty) return
    throw new DomainError('validation', 'Invalid input.', Object.fromEntries(this.byField))
  }
}

/** Django REST framework's standard messages, so every surface speaks the wording its clients know. */
export const messages = {
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.',
  invalidEmail: 'Enter a valid email address.',
  invalidInteger: 'A valid integer is required.',
  invalidBoolean: 'Must be a valid boolean.',
  invalidString: 'Not a valid string.',
  invalidNumber: 'A valid number is required.',
  invalidDatetime: 'Datetime has wrong format.',
  maxLength: (max: number) => `Ensure this field has no more than ${max} characters.`,
  minLength: (min: number) => `Ensure this field has at least ${min} characters.`,
  minValue: (min: number) => `Ensure this value is greater than or equal to ${min}.`,
  maxValue: (max: number) => `Ensure this value is less than or equal to ${max}.`,
  invalidChoice: (value: unknown) => `"${String(value)}" is not a valid choice.`,
  doesNotExist: (pk: unknown) => `Invalid pk "${String(pk)}" - object does not exist.`,
  notAList: (type: string) => `Expected a list of items but got type "${type}".`,
  notAnObject: (type: string) => `Invalid data. Expected a dictionary, but got ${type}.`,
  invalid: 'Invalid value.',
}
