import type { Problem } from '../errors.ts'

/** The dynamic settings' defaults; staff may override each one at run time (config.ts reads them). */
export type SettingDefaults = {
  CONTACT_US_EMAIL_TO: Record<string, string[]>
  CONTACT_US_SEND_USER: boolean
  CONTACT_US_REPLY_TO_ONLY_USER: boolean
  EMAIL_BCC_AND_CC: Record<string, { cc?: string[]; bcc?: string[] }>
  CONTACT_US_ALLOWED_EXTENSIONS: string[]
  CONTACT_US_MAX_FILE_SIZE: number
}

export type SettingKey = keyof SettingDefaults
export type Settings = SettingDefaults

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const OPERATION_MAX_LENGTH = 30

/** What can be wrong with a recipients setting, which config.ts also reads from the environment. */
export type RecipientsProblem = Extract<
  Problem,
  {
    code:
      | 'not_email_routing'
      | 'default_operation_required'
      | 'operation_too_long'
      | 'not_email_list'
      | 'invalid_email_in_list'
      | 'not_copy_rules'
      | 'copy_rule_not_object'
      | 'not_cc_or_bcc'
  }
>

/** `at` names where in the value the list is, as the admin wrote it: `"default"`, `"contact_us.cc"`. */
function emailListProblem(value: unknown, at: string): RecipientsProblem | undefined {
  if (!Array.isArray(value)) return { code: 'not_email_list', at }
  const bad = value.find((item) => typeof item !== 'string' || !EMAIL.test(item))
  return bad === undefined ? undefined : { code: 'invalid_email_in_list', at, value: bad }
}

export function emailRoutingProblem(value: unknown): RecipientsProblem | undefined {
  if (!isObject(value)) return { code: 'not_email_routing' }
  if (!('default' in value)) return { code: 'default_operation_required' }
  for (const [operation, recipients] of Object.entries(value)) {
    if (operation.length > OPERATION_MAX_LENGTH) {
      return { code: 'operation_too_long', operation, max: OPERATION_MAX_LENGTH }
    }
    const problem = emailListProblem(recipients, operation)
    if (problem) return problem
  }
  return undefined
}

export function copyRulesProblem(value: unknown): RecipientsProblem | undefined {
  if (!isObject(value)) return { code: 'not_copy_rules' }
  for (const [kind, rule] of Object.entries(value)) {
    if (!isObject(rule)) return { code: 'copy_rule_not_object', at: kind }
    for (const [field, recipients] of Object.entries(rule)) {
      if (field !== 'cc' && field !== 'bcc') return { code: 'not_cc_or_bcc', at: `${kind}.${field}` }
      const problem = emailListProblem(recipients, `${kind}.${field}`)
      if (problem) return problem
    }
  }
  return undefined
}

const booleanProblem = (value: unknown): Problem | undefined =>
  typeof value === 'boolean' ? undefined : { code: 'invalid_boolean' }

function extensionsProblem(value: unknown): Problem | undefined {
  if (!Array.isArray(value) || value.length === 0) return { code: 'not_extension_list' }
  const bad = value.find((item) => typeof item !== 'string' || !/^[a-z0-9]{1,10}$/.test(item))
  return bad === undefined ? undefined : { code: 'not_an_extension', value: bad }
}

const fileSizeProblem =
  (maxBytes: number) =>
  (value: unknown): Problem | undefined =>
    Number.isInteger(value) && (value as number) > 0 && (value as number) < maxBytes
      ? undefined
      : { code: 'byte_size_out_of_range', max: maxBytes - 1 }

export type SettingDefinition = {
  key: SettingKey
  description: string
  problem: (value: unknown) => Problem | undefined
}

/** Every dynamic setting, what it means and how a new value is checked; `bodyLimit` bounds the file size. */
export function settingDefinitions(bodyLimit: number): SettingDefinition[] {
  return [
    {
      key: 'CONTACT_US_EMAIL_TO',
      description:
        'Staff recipients of contact-us emails per operation; "default" serves a form without one.',
      problem: emailRoutingProblem,
    },
    {
      key: 'CONTACT_US_SEND_USER',
      description: 'Send the submitter a separate copy of their contact-us message.',
      problem: booleanProblem,
    },
    {
      key: 'CONTACT_US_REPLY_TO_ONLY_USER',
      description: "Set the staff email's Reply-To to the submitter's address only (off: no Reply-To).",
      problem: booleanProblem,
    },
    {
      key: 'EMAIL_BCC_AND_CC',
      description: 'Carbon-copy rules per email kind, e.g. {"contact_us": {"cc": [...], "bcc": [...]}}.',
      problem: copyRulesProblem,
    },
    {
      key: 'CONTACT_US_ALLOWED_EXTENSIONS',
      description: 'File extensions a contact-us attachment may have.',
      problem: extensionsProblem,
    },
    {
      key: 'CONTACT_US_MAX_FILE_SIZE',
      description: 'Largest contact-us attachment, in bytes.',
      problem: fileSizeProblem(bodyLimit),
    },
  ]
}
