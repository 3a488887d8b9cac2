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

function emailListProblem(value: unknown, where: string): string | undefined {
  if (!Array.isArray(value)) return `${where} must be a list of email addresses.`
  const bad = value.find((item) => typeof item !== 'string' || !EMAIL.test(item))
  return bad === undefined ? undefined : `${where} has an invalid email address: ${JSON.stringify(bad)}.`
}

export function emailRoutingProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'Expected an object mapping operations to lists of email addresses.'
  if (!('default' in value)) return 'A "default" operation is required.'
  for (const [operation, recipients] of Object.entries(value)) {
    if (operation.length > 30) return `Operation "${operation}" is longer than 30 characters.`
    const problem = emailListProblem(recipients, `"${operation}"`)
    if (problem) return problem
  }
  return undefined
}

export function copyRulesProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'Expected an object such as {"contact_us": {"cc": [...], "bcc": [...]}}.'
  for (const [kind, rule] of Object.entries(value)) {
    if (!isObject(rule)) return `"${kind}" must be an object with "cc" and "bcc" lists.`
    for (const [field, recipients] of Object.entries(rule)) {
      if (field !== 'cc' && field !== 'bcc') return `"${kind}.${field}" is not "cc" or "bcc".`
      const problem = emailListProblem(recipients, `"${kind}.${field}"`)
      if (problem) return problem
    }
  }
  return undefined
}

const booleanProblem = (value: unknown) =>
  typeof value === 'boolean' ? undefined : 'Must be a valid boolean.'

function extensionsProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return 'Expected a non-empty list of file extensions.'
  const bad = value.find((item) => typeof item !== 'string' || !/^[a-z0-9]{1,10}$/.test(item))
  return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a lower-case file extension.`
}

const fileSizeProblem = (maxBytes: number) => (value: unknown) =>
  Number.isInteger(value) && (value as number) > 0 && (value as number) < maxBytes
    ? undefined
    : `Expected a whole number of bytes from 1 to ${maxBytes - 1}.`

export type SettingDefinition = {
  key: SettingKey
  description: string
  problem: (value: unknown) => string | undefined
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
