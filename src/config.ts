import { resolve } from 'node:path'
import { copyRulesProblem, emailRoutingProblem, type SettingDefaults } from './domain/settings/definitions.ts'

export type Config = {
  port: number
  host: string
  dataDir: string
  /** Unset: PGlite in `<dataDir>/db`; `memory://`: an in-memory PGlite; else a PostgreSQL URL. */
  databaseUrl: string | undefined
  databasePoolSize: number
  /** Unset: every outgoing email is written as an `.eml` file under `<dataDir>/mail`. */
  smtpUrl: string | undefined
  mailFrom: string
  trustedOrigins: string[]
  logLevel: string
  bodyLimit: number
  contactUsRatePerMinute: number
  /** Failed logins an account, and a client address, may have in a window; the next is refused (429). */
  login: { failuresPerAccount: number; failuresPerAddress: number; windowSeconds: number }
  sessionTtlSeconds: number
  outboxPollMs: number
  outboxRetryBaseMs: number
  outboxMaxAttempts: number
  /** How long a claimed email is reserved for the worker that claimed it (see outbox-worker). */
  outboxLeaseMs: number
  cookies: {
    storefrontSession: string
    storefrontSessionAlt: string
    storefrontCsrf: string
    storefrontCsrfHeader: string
    vendorSession: string
    vendorCsrf: string
    vendorCsrfHeader: string
    secure: boolean
  }
  settingDefaults: SettingDefaults
}

type Env = Record<string, string | undefined>

class ConfigErrors {
  readonly messages: string[] = []
  add(name: string, problem: string) {
    this.messages.push(`${name}: ${problem}`)
  }
}

function readers(env: Env, errors: ConfigErrors) {
  const raw = (name: string) => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  return {
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    optional: (name: string) => raw(name),
    integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const value = raw(name)
      if (value === undefined) return fallback
      const parsed = Number(value)
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        errors.add(name, `expected a whole number from ${min} to ${max}, got "${value}"`)
        return fallback
      }
      return parsed
    },
    boolean(name: string, fallback: boolean) {
      const value = raw(name)?.toLowerCase()
      if (value === undefined) return fallback
      if (['1', 'true', 'yes', 'on'].includes(value)) return true
      if (['0', 'false', 'no', 'off'].includes(value)) return false
      errors.add(name, `expected true or false, got "${value}"`)
      return fallback
    },
    list: (name: string, fallback: string[]) =>
      raw(name)
        ?.split(',')
        .map((item) => item.trim())
        .filter(Boolean) ?? fallback,
    json<T>(name: string, fallback: T, check: (value: unknown) => string | undefined): T {
      const value = raw(name)
      if (value === undefined) return fallback
      try {
        const parsed: unknown = JSON.parse(value)
        const problem = check(parsed)
        if (problem === undefined) return parsed as T
        errors.add(name, problem)
      } catch {
        errors.add(name, 'is not valid JSON')
      }
      return fallback
    },
  }
}

const MiB = 1024 * 1024

/** Reads and validates the environment once; a bad value stops the start with every problem listed. */
export function loadConfig(env: Env = process.env): Config {
  const errors = new ConfigErrors()
  const read = readers(env, errors)
  const dataDir = resolve(read.string('PARLEY_DATA_DIR', './data'))
  const config: Config = {
    port: read.integer('PORT', 8000, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    dataDir,
    databaseUrl: read.optional('DATABASE_URL'),
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    smtpUrl: read.optional('SMTP_URL'),
    mailFrom: read.string('MAIL_FROM', 'Parley <no-reply@parley.local>'),
    trustedOrigins: read.list('TRUSTED_ORIGINS', []),
    logLevel: read.string('LOG_LEVEL', 'info'),
    bodyLimit: read.integer('BODY_LIMIT', 12 * MiB, 1024),
    contactUsRatePerMinute: read.integer('CONTACT_US_RATE_PER_MINUTE', 10, 1),
    login: {
      failuresPerAccount: read.integer('LOGIN_FAILURES_PER_ACCOUNT', 10, 1),
      failuresPerAddress: read.integer('LOGIN_FAILURES_PER_ADDRESS', 50, 1),
      windowSeconds: read.integer('LOGIN_THROTTLE_WINDOW_SECONDS', 900, 1, 86_400),
    },
    sessionTtlSeconds: read.integer('SESSION_TTL_SECONDS', 14 * 24 * 3600, 60),
    outboxPollMs: read.integer('OUTBOX_POLL_MS', 1000, 10),
    outboxRetryBaseMs: read.integer('OUTBOX_RETRY_BASE_MS', 2000, 1),
    outboxMaxAttempts: read.integer('OUTBOX_MAX_ATTEMPTS', 15, 1),
    outboxLeaseMs: read.integer('OUTBOX_LEASE_MS', 60_000, 100),
    cookies: {
      storefrontSession: read.string('SESSION_COOKIE_NAME', 'sessionid'),
      storefrontSessionAlt: read.string('SESSION_COOKIE_ALT_NAME', 'osessionid'),
      storefrontCsrf: read.string('CSRF_COOKIE_NAME', 'csrftoken'),
      storefrontCsrfHeader: read.string('CSRF_HEADER_NAME', 'X-CSRFToken').toLowerCase(),
      vendorSession: read.string('VENDOR_SESSION_COOKIE_NAME', 'PARTIZAP_SESSION'),
      vendorCsrf: read.string('VENDOR_CSRF_COOKIE_NAME', 'CSRF_TOKEN'),
      vendorCsrfHeader: read.string('VENDOR_CSRF_HEADER_NAME', 'X-CSRF-TOKEN').toLowerCase(),
      secure: read.boolean('COOKIE_SECURE', false),
    },
    settingDefaults: {
      CONTACT_US_EMAIL_TO: read.json('CONTACT_US_EMAIL_TO', { default: [] }, emailRoutingProblem),
      CONTACT_US_SEND_USER: read.boolean('CONTACT_US_SEND_USER', false),
      CONTACT_US_REPLY_TO_ONLY_USER: read.boolean('CONTACT_US_REPLY_TO_ONLY_USER', false),
      EMAIL_BCC_AND_CC: read.json('EMAIL_BCC_AND_CC', {}, copyRulesProblem),
      CONTACT_US_ALLOWED_EXTENSIONS: read
        .list('CONTACT_US_ALLOWED_EXTENSIONS', ['jpg', 'jpeg', 'png', 'gif', 'webp', 'pdf', 'txt'])
        .map((extension) => extension.toLowerCase().replace(/^\./, '')),
      CONTACT_US_MAX_FILE_SIZE: read.integer('CONTACT_US_MAX_FILE_SIZE', 5 * MiB, 1),
    },
  }
  if (config.settingDefaults.CONTACT_US_MAX_FILE_SIZE >= config.bodyLimit) {
    errors.add('CONTACT_US_MAX_FILE_SIZE', `must be below BODY_LIMIT (${config.bodyLimit} bytes)`)
  }
  if (errors.messages.length > 0) {
    throw new Error(`Invalid configuration:\n  ${errors.messages.join('\n  ')}`)
  }
  return config
}
