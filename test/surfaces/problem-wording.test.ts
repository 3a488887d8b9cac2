import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Problem, ProblemCode } from '../../src/domain/errors.ts'
import { drfSchemaWording, drfWording } from '../../src/surfaces/drf/wording.ts'
import type { SchemaWording } from '../../src/surfaces/http/schema-errors.ts'
import { type Wording, word } from '../../src/surfaces/http/wording.ts'
import { shopSchemaWording, shopWording } from '../../src/surfaces/shop/wording.ts'
import { vendorSchemaWording, vendorWording } from '../../src/surfaces/vendor/wording.ts'

// One example of every problem the domain reports: the type makes leaving a code out a compile error.
const examples: { [C in ProblemCode]: Extract<Problem, { code: C }> } = {
  invalid_input: { code: 'invalid_input' },
  not_found: { code: 'not_found' },
  not_authenticated: { code: 'not_authenticated' },
  no_permission: { code: 'no_permission' },
  staff_only: { code: 'staff_only' },
  throttled: { code: 'throttled' },
  idempotency_mismatch: { code: 'idempotency_mismatch' },
  login_failed: { code: 'login_failed' },
  deleted_is_final: { code: 'deleted_is_final' },
  contact_has_no_address: { code: 'contact_has_no_address' },
  only_failed_email_resent: { code: 'only_failed_email_resent' },
  required: { code: 'required' },
  blank: { code: 'blank' },
  empty: { code: 'empty' },
  empty_list: { code: 'empty_list' },
  invalid_email: { code: 'invalid_email' },
  invalid_boolean: { code: 'invalid_boolean' },
  max_length: { code: 'max_length', max: 255 },
  invalid_choice: { code: 'invalid_choice', value: 'billing' },
  invalid_filter_choice: { code: 'invalid_filter_choice', value: 'lost' },
  does_not_exist: { code: 'does_not_exist', pk: 42 },
  unknown_external_id: { code: 'unknown_external_id', value: 'p-1' },
  duplicate_in_request: { code: 'duplicate_in_request', field: 'external_id', value: 'p-1' },
  unique: { code: 'unique', model: 'user', field: 'email' },
  until_before_since: { code: 'until_before_since' },
  invalid_language_tag: { code: 'invalid_language_tag', tag: 'english' },
  not_yourself: { code: 'not_yourself' },
  not_seller_member: { code: 'not_seller_member' },
  not_staff_sender: { code: 'not_staff_sender' },
  seller_cannot_reply_to_review: { code: 'seller_cannot_reply_to_review' },
  own_seller: { code: 'own_seller' },
  item_of_other_seller: { code: 'item_of_other_seller' },
  staff_has_no_seller: { code: 'staff_has_no_seller' },
  product_unpublished: { code: 'product_unpublished' },
  product_without_seller: { code: 'product_without_seller' },
  message_not_in_dialog: { code: 'message_not_in_dialog' },
  empty_file: { code: 'empty_file' },
  image_too_large: { code: 'image_too_large', maxBytes: 5 * 1024 * 1024 },
  not_an_image: { code: 'not_an_image' },
  extension_not_allowed: { code: 'extension_not_allowed', extension: 'exe', allowed: ['jpg', 'pdf'] },
  file_too_large: { code: 'file_too_large', maxBytes: 1024 },
  content_not_extension: { code: 'content_not_extension', extension: 'pdf' },
  invalid_url: { code: 'invalid_url' },
  url_with_credentials: { code: 'url_with_credentials' },
  address_refused: { code: 'address_refused', address: '10.0.0.1', range: 'private' },
  https_required: { code: 'https_required' },
  password_too_short: { code: 'password_too_short', min: 8 },
  password_numeric: { code: 'password_numeric' },
  password_is_email: { code: 'password_is_email' },
  email_taken: { code: 'email_taken' },
  not_email_routing: { code: 'not_email_routing' },
  default_operation_required: { code: 'default_operation_required' },
  operation_too_long: { code: 'operation_too_long', operation: 'x'.repeat(31), max: 30 },
  not_email_list: { code: 'not_email_list', at: 'default' },
  invalid_email_in_list: { code: 'invalid_email_in_list', at: 'default', value: 'nobody' },
  not_copy_rules: { code: 'not_copy_rules' },
  copy_rule_not_object: { code: 'copy_rule_not_object', at: 'contact_us' },
  not_cc_or_bcc: { code: 'not_cc_or_bcc', at: 'contact_us.to' },
  not_extension_list: { code: 'not_extension_list' },
  not_an_extension: { code: 'not_an_extension', value: '.PDF' },
  byte_size_out_of_range: { code: 'byte_size_out_of_range', max: 1023 },
}

const surfaces: [string, Wording][] = [
  ['storefront and staff (DRF)', drfWording],
  ['vendor', vendorWording],
  ['shop', shopWording],
]

test('every problem the domain reports has a wording on every surface', () => {
  for (const [surface, wording] of surfaces) {
    assert.deepEqual(Object.keys(wording).sort(), Object.keys(examples).sort(), surface)
    for (const problem of Object.values(examples)) {
      const text = word(wording, problem)
      assert.match(text, /\S/, `${surface}: ${problem.code}`)
      assert.doesNotMatch(text, /undefined|\[object /, `${surface}: ${problem.code}`)
    }
  }
})

test('the wordings keep the sentences the clients read before the domain spoke in codes', () => {
  const sample = (wording: Wording) => ({
    max: word(wording, { code: 'max_length', max: 255 }),
    pk: word(wording, { code: 'does_not_exist', pk: 7 }),
    refused: word(wording, { code: 'address_refused', address: 'nope', range: null }),
    file: word(wording, { code: 'file_too_large', maxBytes: 5 * 1024 * 1024 }),
  })
  const expected = {
    max: 'Ensure this field has no more than 255 characters.',
    pk: 'Invalid pk "7" - object does not exist.',
    refused: 'This address cannot receive webhooks: "nope" is not an IP address.',
    file: 'Ensure this file is no larger than 5.0 MB.',
  }
  for (const [surface, wording] of surfaces) assert.deepEqual(sample(wording), expected, surface)
})

test('what a schema validator finds is worded by every surface, today in the same sentences', () => {
  const sentences = (wording: SchemaWording) =>
    Object.fromEntries(
      Object.entries(wording).map(([key, text]) => [key, typeof text === 'string' ? text : text(3)]),
    )
  const drf = sentences(drfSchemaWording)
  assert.equal(drf.notAList, 'Expected a list of items but got type "int".')
  assert.deepEqual(sentences(vendorSchemaWording), drf)
  assert.deepEqual(sentences(shopSchemaWording), drf)
})
