import { isIP } from 'node:net'
import { resolve } from 'node:path'
import {
  copyRulesProblem,
  emailRoutingProblem,
  type RecipientsProblem,
  type SettingDefaults,
} from './domain/settings/definitions.ts'

/**
 * Which proxies in front of Parley are believed about the client (`X-Forwarded-For`, `-Proto`, `-Host`), as
 * Fastify's `trustProxy` takes it: none, every one, this many hops, or these addresses and CIDR ranges.
 */
export type TrustProxy = boolean | number | string[]

export type Config = {
  port: number
  host: string
  trustProxy: TrustProxy
  /** A listener of its own for `/metrics`, `/healthz` and `/readyz`, off the public port; unset: none. */
  metricsPort: number | undefined
  metricsHost: string
  /** The bearer token `/metrics` asks for; set, it is also served on the public port. */
  metricsToken: string | undefined
  dataDir: string
  /** Unset: PGlite in `<dataDir>/db`; `memory://`: an in-memory PGlite; else a PostgreSQL URL. */
  databaseUrl: string | undefined
  databasePoolSize: number
  /** Unset: every outgoing email is written as an `.eml` file under `<dataDir>/mail`. */
  smtpUrl: string | undefined
  mailFrom: string
  trustedOrigins: string[]
  logLevel: (typeof LOG_LEVELS)[number]
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
  /** Lets webhook endpoints on loopback addresses (and plain http there) receive: for tests and development. */
  webhookAllowLoopback: boolean
  cookies: {
    storefrontSession: string
    storefrontSessionAlt: string
    storefrontCsrf: string
    storefrontCsrfHeader: string
    vendorSession: string
    vendorCsrf: string
    vendorCsrfHeader: string
    /** `auto`: Secure when the request came over HTTPS (behind a proxy, as TRUST_PROXY lets it say). */
    secure: boolean | 'auto'
  }
  settingDefaults: SettingDefaults
}

type Env = Record<string, string | undefined>

/** The operator's wording of a recipients setting's problem (the staff API words the same codes its own way). */
const recipientsText: {
  [C in RecipientsProblem['code']]: (p: Extract<RecipientsProblem, { code: C }>) => string
} = {
  not_email_routing: () => 'Expected an object mapping operations to lists of email addresses.',
  default_operation_required: () => 'A "default" operation is required.',
  operation_too_long: (p) => `Operation "${p.operation}" is longer than ${p.max} characters.`,
  not_email_list: (p) => `"${p.at}" must be a list of email addresses.`,
  invalid_email_in_list: (p) => `"${p.at}" has an invalid email address: ${JSON.stringify(p.value)}.`,
  not_copy_rules: () => 'Expected an object such as {"contact_us": {"cc": [...], "bcc": [...]}}.',
  copy_rule_not_object: (p) => `"${p.at}" must be an object with "cc" and "bcc" lists.`,
  not_cc_or_bcc: (p) => `"${p.at}" is not "cc" or "bcc".`,
}

/** A configuration that cannot start Parley: one line per problem, each naming its variable. */
export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(problems.map((problem) => `Invalid configuration: ${problem}`).join('\n'))
    this.problems = problems
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

// RFC 7230's token: what a cookie or header name may be made of.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** A URL's scheme, host and port only: what a message may show of a URL that can carry a password. */
const urlWithoutSecrets = (url: URL) =>
  `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`

/**
 * One reader per kind of value. Each returns the default when the variable is unset or blank, and on a bad
 * value records one line naming the variable and what it expected, then returns the default so that every
 * problem is reported at once.
 */
function readers(env: Env, problems: string[]) {
  const raw = (name: string) => {
    const value = env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const problem = (name: string, text: string) => problems.push(`${name}: ${text}`)
  const list = (name: string, fallback: string[]) =>
    raw(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean) ?? fallback
  return {
    string: (name: string, fallback: string) => raw(name) ?? fallback,
    optional: (name: string) => raw(name),
    integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
      const value = raw(name)
      if (value === undefined) return fallback
      const parsed = Number(value)
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
        problem(name, `expected a whole number from ${min} to ${max}, got "${value}"`)
        return fallback
      }
      return parsed
    },
    optionalInteger(name: string, min: number, max: number) {
      return raw(name) === undefined ? undefined : this.integer(name, min, min, max)
    },
    boolean(name: string, fallback: boolean) {
      const value = raw(name)?.toLowerCase()
      if (value === undefined) return fallback
      if (['1', 'true', 'yes', 'on'].includes(value)) return true
      if (['0', 'false', 'no', 'off'].includes(value)) return false
      problem(name, `expected true or false, got "${value}"`)
      return fallback
    },
    oneOf<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
      const value = raw(name)?.toLowerCase()
      if (value === undefined) return fallback
      if ((choices as readonly string[]).includes(value)) return value as T
      problem(name, `expected one of ${choices.join(', ')}, got "${value}"`)
      return fallback
    },
    /** A cookie or header name. */
    token(name: string, fallback: string) {
      const value = raw(name)
      if (value === undefined) return fallback
      if (TOKEN.test(value)) return value
      problem(name, `expected a name of letters, digits and -_.!#$%&'*+^\`|~, got "${value}"`)
      return fallback
    },
    /** A URL of one of `schemes` with a host; the message never repeats a password the value may hold. */
    url(name: string, schemes: string[], example: string, also: string[] = []) {
      const value = raw(name)
      if (value === undefined || also.includes(value)) return value
      let url: URL | undefined
      try {
        url = new URL(value)
      } catch {}
      const expected = `expected ${[example, ...also].join(' or ')}`
      if (!url) problem(name, `${expected}, got something that is not a URL`)
      else if (!schemes.includes(url.protocol)) problem(name, `${expected}, got a ${url.protocol}// URL`)
      // A PostgreSQL URL may name a socket folder instead (`postgres:///db?host=/run/postgresql`).
      else if (url.hostname === '' && !url.searchParams.has('host'))
        problem(name, `${expected}: ${urlWithoutSecrets(url)} names no host`)
      else return value
      return undefined
    },
    list,
    /** Origins as browsers send them: a scheme, a host and a port if not the default; no path. */
    origins(name: string) {
      const origins = list(name, [])
      for (const origin of origins) {
        let parsed: string | undefined
        try {
          parsed = new URL(origin).origin
        } catch {}
        if (parsed !== origin)
          problem(name, `expected origins like https://shop.example.com (no path or slash), got "${origin}"`)
      }
      return origins
    },
    json<T>(name: string, fallback: T, check: (value: unknown) => RecipientsProblem | undefined): T {
      const value = raw(name)
      if (value === undefined) return fallback
      try {
        const parsed: unknown = JSON.parse(value)
        const found = check(parsed)
        if (found === undefined) return parsed as T
        problem(name, recipientsText[found.code](found as never))
      } catch {
        problem(name, 'is not valid JSON')
      }
      return fallback
    },
  }
}

const MiB = 1024 * 1024

// Names proxy-addr (Fastify's trustProxy) knows for the private ranges.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

const isAddressOrRange = (entry: string) => {
  if (NAMED_RANGES.has(entry)) return true
  const [address = '', bits, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  const prefix = Number(bits)
  return /^\d+$/.test(bits) && prefix <= (family === 4 ? 32 : 128)
}

/** TRUST_PROXY: false (the default), true, a hop count, or a comma-separated list of addresses and ranges. */
function readTrustProxy(value: string | undefined, problems: string[]): TrustProxy {
  if (value === undefined || ['false', 'no', 'off', '0'].includes(value.toLowerCase())) return false
  if (['true', 'yes', 'on'].includes(value.toLowerCase())) return true
  if (/^\d+$/.test(value)) return Number(value)
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const bad = entries.filter((entry) => !isAddressOrRange(entry))
  if (bad.length === 0) return entries
  problems.push(`TRUST_PROXY: expected a hop count or addresses and CIDR ranges, got "${bad.join(', ')}"`)
  return false
}

function readCookieSecure(value: string | undefined, problems: string[]): boolean | 'auto' {
  const setting = value?.toLowerCase()
  if (setting === undefined || setting === 'auto') return 'auto'
  if (['1', 'true', 'yes', 'on'].includes(setting)) return true
  if (['0', 'false', 'no', 'off'].includes(setting)) return false
  problems.push(`COOKIE_SECURE: expected true, false or auto, got "${value}"`)
  return 'auto'
}

/**
 * Reads and validates the environment once: the one schema of every variable Parley reads. A bad value
 * stops the start with every problem listed, one line each.
 */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = []
  const read = readers(env, problems)
  const dataDir = resolve(read.string('PARLEY_DATA_DIR', './data'))
  const config: Config = {
    port: read.integer('PORT', 8000, 0, 65535),
    host: read.string('HOST', '127.0.0.1'),
    trustProxy: readTrustProxy(read.optional('TRUST_PROXY'), problems),
    metricsPort: read.optionalInteger('METRICS_PORT', 0, 65535),
    metricsHost: read.string('METRICS_HOST', read.string('HOST', '127.0.0.1')),
    metricsToken: read.optional('METRICS_TOKEN'),
    dataDir,
    databaseUrl: read.url(
      'DATABASE_URL',
      ['postgres:', 'postgresql:'],
      'postgres://user@host:5432/database',
      ['memory://'],
    ),
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:password@host:587 or smtps://…'),
    mailFrom: read.string('MAIL_FROM', 'Parley <no-reply@parley.local>'),
    trustedOrigins: read.origins('TRUSTED_ORIGINS'),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
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
    webhookAllowLoopback: read.boolean('WEBHOOK_ALLOW_LOOPBACK', false),
    cookies: {
      storefrontSession: read.token('SESSION_COOKIE_NAME', 'sessionid'),
      storefrontSessionAlt: read.token('SESSION_COOKIE_ALT_NAME', 'osessionid'),
      storefrontCsrf: read.token('CSRF_COOKIE_NAME', 'csrftoken'),
      storefrontCsrfHeader: read.token('CSRF_HEADER_NAME', 'X-CSRFToken').toLowerCase(),
      vendorSession: read.token('VENDOR_SESSION_COOKIE_NAME', 'PARTIZAP_SESSION'),
      vendorCsrf: read.token('VENDOR_CSRF_COOKIE_NAME', 'CSRF_TOKEN'),
      vendorCsrfHeader: read.token('VENDOR_CSRF_HEADER_NAME', 'X-CSRF-TOKEN').toLowerCase(),
      secure: readCookieSecure(read.optional('COOKIE_SECURE'), problems),
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
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(/<([^>]*)>\s*$/.exec(config.mailFrom)?.[1] ?? config.mailFrom)) {
    problems.push(
      `MAIL_FROM: expected an address like "Shop <no-reply@shop.example>", got "${config.mailFrom}"`,
    )
  }
  if (config.settingDefaults.CONTACT_US_MAX_FILE_SIZE >= config.bodyLimit) {
    problems.push(`CONTACT_US_MAX_FILE_SIZE: must be below BODY_LIMIT (${config.bodyLimit} bytes)`)
  }
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) {
    problems.push('METRICS_TOKEN: must be at least 16 characters')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
