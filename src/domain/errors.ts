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

/**
 * Every problem the domain reports, by code and with what a wording needs; each surface words them its own
 * way (see the surfaces' wording files), so no sentence lives here.
 */
export type Problem =
  // A failure as a whole.
  | { code: 'invalid_input' }
  | { code: 'not_found' }
  | { code: 'not_authenticated' }
  | { code: 'no_permission' }
  | { code: 'staff_only' }
  | { code: 'throttled' }
  | { code: 'idempotency_mismatch' }
  | { code: 'login_failed' }
  | { code: 'deleted_is_final' }
  | { code: 'contact_has_no_address' }
  | { code: 'only_failed_email_resent' }
  // A field's value.
  | { code: 'required' }
  | { code: 'blank' }
  | { code: 'empty' }
  | { code: 'empty_list' }
  | { code: 'invalid_email' }
  | { code: 'invalid_boolean' }
  | { code: 'max_length'; max: number }
  | { code: 'invalid_choice'; value: unknown }
  | { code: 'invalid_filter_choice'; value: string }
  | { code: 'does_not_exist'; pk: unknown }
  | { code: 'unknown_external_id'; value: string }
  | { code: 'duplicate_in_request'; field: string; value: string }
  | { code: 'unique'; model: string; field: string }
  | { code: 'until_before_since' }
  | { code: 'invalid_language_tag'; tag: string }
  // Who writes a message, and about what.
  | { code: 'not_yourself' }
  | { code: 'not_seller_member' }
  | { code: 'not_staff_sender' }
  | { code: 'seller_cannot_reply_to_review' }
  | { code: 'own_seller' }
  | { code: 'item_of_other_seller' }
  | { code: 'staff_has_no_seller' }
  | { code: 'product_unpublished' }
  | { code: 'product_without_seller' }
  | { code: 'message_not_in_dialog' }
  // Files.
  | { code: 'empty_file' }
  | { code: 'image_too_large'; maxBytes: number }
  | { code: 'not_an_image' }
  | { code: 'extension_not_allowed'; extension: string; allowed: string[] }
  | { code: 'file_too_large'; maxBytes: number }
  | { code: 'content_not_extension'; extension: string }
  // Webhook endpoints.
  | { code: 'invalid_url' }
  | { code: 'url_with_credentials' }
  | { code: 'address_refused'; address: string; range: string | null }
  | { code: 'https_required' }
  // Accounts.
  | { code: 'password_too_short'; min: number }
  | { code: 'password_numeric' }
  | { code: 'password_is_email' }
  | { code: 'email_taken' }
  // Settings; `at` names where in the value, as the admin wrote it (`default`, `contact_us.cc`).
  | { code: 'not_email_routing' }
  | { code: 'default_operation_required' }
  | { code: 'operation_too_long'; operation: string; max: number }
  | { code: 'not_email_list'; at: string }
  | { code: 'invalid_email_in_list'; at: string; value: unknown }
  | { code: 'not_copy_rules' }
  | { code: 'copy_rule_not_object'; at: string }
  | { code: 'not_cc_or_bcc'; at: string }
  | { code: 'not_extension_list' }
  | { code: 'not_an_extension'; value: unknown }
  | { code: 'byte_size_out_of_range'; max: number }

export type ProblemCode = Problem['code']

/** The key under which a problem with the request as a whole is reported, as Django REST framework does. */
export const NON_FIELD = 'non_field_errors'

/**
 * Problems by field. A field a surface already refused (while parsing, worded its own way) comes with an
 * empty list: the domain leaves it alone, and the surface puts its own words there when it answers.
 */
export type FieldProblems = Record<string, Problem[]>

export class DomainError extends Error {
  readonly code: DomainErrorCode
  /** Why, for a surface to word: the detail of a refusal, the summary of a validation failure. */
  readonly reason: Problem
  /** For `validation`: the problems per field. */
  readonly fields: Readonly<FieldProblems>

  constructor(code: DomainErrorCode, reason: Problem, fields: FieldProblems = {}) {
    super(reason.code)
    this.code = code
    this.reason = reason
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
    super('throttled', { code: 'throttled' })
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
  readonly items: ReadonlyArray<Readonly<FieldProblems>>

  constructor(items: FieldProblems[]) {
    super('validation', { code: 'invalid_input' })
    this.items = items
  }
}

export const notFound = () => new DomainError('not_found', { code: 'not_found' })

/** The same idempotency key sent again with another request. */
export const idempotencyMismatch = () =>
  new DomainError('idempotency_mismatch', { code: 'idempotency_mismatch' })

/** One problem as a key, so the same one is reported once per field. */
const keyOf = (problem: Problem) => JSON.stringify(problem)

/**
 * Collects every field's problems before failing, so a client learns of all of them at once. A surface may
 * seed it with the fields its own parsing refused (see FieldProblems); the domain skips checks on fields
 * already failing.
 */
export class FieldErrors {
  private readonly byField = new Map<string, Problem[]>()

  constructor(initial: FieldProblems = {}) {
    for (const [field, problems] of Object.entries(initial)) {
      this.byField.set(field, [])
      for (const problem of problems) this.add(field, problem)
    }
  }

  add(field: string, problem: Problem): void {
    const problems = this.byField.get(field)
    if (problems === undefined) this.byField.set(field, [problem])
    else if (!problems.some((known) => keyOf(known) === keyOf(problem))) problems.push(problem)
  }

  has(field: string): boolean {
    return this.byField.has(field)
  }

  get isEmpty(): boolean {
    return this.byField.size === 0
  }

  throwIfAny(): void {
    if (this.isEmpty) return
    throw new DomainError('validation', { code: 'invalid_input' }, Object.fromEntries(this.byField))
  }
}
