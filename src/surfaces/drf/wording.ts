import { pythonTypeName, type SchemaWording } from '../http/schema-errors.ts'
import type { Wording } from '../http/wording.ts'

/** A size as Django's `filesizeformat` writes it ("512 bytes", "48.8 KB", "5.0 MB"). */
function humanSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

/** What a schema validator finds, in Django REST framework's standard messages. */
export const drfSchemaWording: SchemaWording = {
  required: 'This field is required.',
  blank: 'This field may not be blank.',
  null: 'This field may not be null.',
  nullCharacters: 'Null characters are not allowed.',
  invalidEmail: 'Enter a valid email address.',
  invalidInteger: 'A valid integer is required.',
  invalidBoolean: 'Must be a valid boolean.',
  invalidString: 'Not a valid string.',
  invalidNumber: 'A valid number is required.',
  invalidDatetime: 'Datetime has wrong format.',
  invalid: 'Invalid value.',
  maxLength: (max) => `Ensure this field has no more than ${max} characters.`,
  minLength: (min) => `Ensure this field has at least ${min} characters.`,
  minValue: (min) => `Ensure this value is greater than or equal to ${min}.`,
  maxValue: (max) => `Ensure this value is less than or equal to ${max}.`,
  invalidChoice: (value) => `"${String(value)}" is not a valid choice.`,
  notAList: (value) => `Expected a list of items but got type "${pythonTypeName(value)}".`,
  notAnObject: (value) => `Invalid data. Expected a dictionary, but got ${pythonTypeName(value)}.`,
}

/**
 * The domain's problems in Django REST framework's English, as the storefront's and the staff's clients know
 * it (and, today, the vendor's and the shop's): DRF's and Django's standard messages where there is one, the
 * shop's own sentences for its own rules.
 */
export const drfWording: Wording = {
  invalid_input: () => 'Invalid input.',
  not_found: () => 'Not found.',
  not_authenticated: () => 'Authentication credentials were not provided.',
  no_permission: () => 'You do not have permission to perform this action.',
  staff_only: () => 'Staff only.',
  throttled: () => 'Request was throttled.',
  idempotency_mismatch: () => 'This Idempotency-Key was already used with a different request.',
  login_failed: () => 'Unable to log in with provided credentials.',
  deleted_is_final: () => 'A deleted conversation cannot be changed.',
  contact_has_no_address: () => 'This contact has no email address to answer.',
  only_failed_email_resent: () => 'Only a failed email can be sent again.',

  required: () => drfSchemaWording.required,
  blank: () => drfSchemaWording.blank,
  empty: () => 'This field may not be empty.',
  empty_list: () => 'This list may not be empty.',
  invalid_email: () => drfSchemaWording.invalidEmail,
  invalid_boolean: () => drfSchemaWording.invalidBoolean,
  max_length: ({ max }) => drfSchemaWording.maxLength(max),
  invalid_choice: ({ value }) => drfSchemaWording.invalidChoice(value),
  invalid_filter_choice: ({ value }) =>
    `Select a valid choice. ${value} is not one of the available choices.`,
  does_not_exist: ({ pk }) => `Invalid pk "${String(pk)}" - object does not exist.`,
  unknown_external_id: ({ value }) => `Object with external_id=${value} does not exist.`,
  duplicate_in_request: ({ field, value }) => `Duplicate ${field} "${value}" in this request.`,
  unique: ({ model, field }) => `${model} with this ${field} already exists.`,
  until_before_since: () => 'Ensure this date is not before since.',
  invalid_language_tag: ({ tag }) => `"${tag}" is not a valid language tag.`,

  not_yourself: () => 'Users must match the authenticated user.',
  not_seller_member: () => 'You are not a member of this data source.',
  not_staff_sender: () => 'Only staff can write as the shop.',
  seller_cannot_reply_to_review: () => 'DataSource cannot reply to a review.',
  own_seller: () => 'You cannot start a conversation with a data source you are a member of.',
  item_of_other_seller: () => 'The item does not belong to this data source.',
  staff_has_no_seller: () => 'A conversation with the shop has no data source.',
  product_unpublished: () => 'This product is not published.',
  product_without_seller: () => 'This product has no seller to talk with.',
  message_not_in_dialog: () => 'This message is not in this conversation.',

  empty_file: () => 'The submitted file is empty.',
  image_too_large: ({ maxBytes }) => `Ensure this image is no larger than ${maxBytes / (1024 * 1024)} MB.`,
  not_an_image: () => 'Upload a JPEG, PNG or WebP image.',
  extension_not_allowed: ({ extension, allowed }) =>
    `File extension “${extension}” is not allowed. Allowed extensions are: ${allowed.join(', ')}.`,
  file_too_large: ({ maxBytes }) => `Ensure this file is no larger than ${humanSize(maxBytes)}.`,
  content_not_extension: ({ extension }) => `The file's content is not a valid ${extension} file.`,

  invalid_url: () => 'Enter a valid URL.',
  url_with_credentials: () => 'A URL with a user name or password is not accepted.',
  address_refused: ({ address, range }) =>
    `This address cannot receive webhooks: ${range === null ? `"${address}" is not an IP address` : `${address} is a ${range} address`}.`,
  https_required: () => 'The URL must use https.',

  password_too_short: ({ min }) => `This password is too short. It must contain at least ${min} characters.`,
  password_numeric: () => 'This password is entirely numeric.',
  password_is_email: () => 'The password must not be the email address.',
  email_taken: () => 'A user with that email address already exists.',

  not_email_routing: () => 'Expected an object mapping operations to lists of email addresses.',
  default_operation_required: () => 'A "default" operation is required.',
  operation_too_long: ({ operation, max }) => `Operation "${operation}" is longer than ${max} characters.`,
  not_email_list: ({ at }) => `"${at}" must be a list of email addresses.`,
  invalid_email_in_list: ({ at, value }) => `"${at}" has an invalid email address: ${JSON.stringify(value)}.`,
  not_copy_rules: () => 'Expected an object such as {"contact_us": {"cc": [...], "bcc": [...]}}.',
  copy_rule_not_object: ({ at }) => `"${at}" must be an object with "cc" and "bcc" lists.`,
  not_cc_or_bcc: ({ at }) => `"${at}" is not "cc" or "bcc".`,
  not_extension_list: () => 'Expected a non-empty list of file extensions.',
  not_an_extension: ({ value }) => `${JSON.stringify(value)} is not a lower-case file extension.`,
  byte_size_out_of_range: ({ max }) => `Expected a whole number of bytes from 1 to ${max}.`,
}
