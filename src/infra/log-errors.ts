import type { FastifyServerOptions } from 'fastify'

/**
 * How an error is logged (the `err` serializer of every log line). A failed statement is logged by its text,
 * never its parameters: those are customers' data (message text, emails, Bcc lists). Drizzle puts them in its
 * error's message and `params`, PGlite in its own `params`, and PostgreSQL quotes values in its message and
 * `detail` (`Key (email)=(…)`), so what is kept of a database error is named here, field by field.
 */

type LoggedError = {
  [key: string]: unknown
  type: string
  message: string
  stack: string
  code?: string
  statusCode?: number
  /** A failed statement's text, without its parameters. */
  query?: string
  /** PostgreSQL's own account of the failure, without the values it quotes. */
  database?: Record<string, string>
  cause?: LoggedError
}

/** What PostgreSQL (node-postgres and PGlite alike) says of a failure that names no data. */
const DATABASE_FIELDS = ['code', 'severity', 'routine', 'schema', 'table', 'column', 'constraint'] as const

// PostgreSQL quotes the offending value in its messages (`invalid input syntax for type integer: "x"`).
const withoutQuotedValues = (text: string) => text.replace(/"[^"]*"/g, '"…"')

const isDatabaseError = (error: Error) =>
  'params' in error || ('severity' in error && 'code' in error && 'routine' in error)

function describe(error: Error & Record<string, unknown>, depth: number): LoggedError {
  const logged: LoggedError = {
    type: error.constructor?.name ?? error.name,
    message: error.message,
    stack: error.stack ?? '',
  }
  if (typeof error.code === 'string') logged.code = error.code
  if (typeof error.statusCode === 'number') logged.statusCode = error.statusCode
  if (typeof error.query === 'string') logged.query = error.query
  if (isDatabaseError(error)) {
    // Drizzle's message is the statement followed by its parameters.
    logged.message = error.message.startsWith('Failed query:')
      ? `Failed query: ${String(error.query)}`
      : withoutQuotedValues(error.message)
    const database: Record<string, string> = {}
    for (const field of DATABASE_FIELDS) {
      const value = error[field]
      if (typeof value === 'string') database[field] = value
    }
    logged.database = database
    // The stack opens with the message, parameters included: keep only its frames.
    logged.stack = logged.stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line))
      .join('\n')
  }
  if (error.cause instanceof Error && depth < 5) {
    logged.cause = describe(error.cause as Error & Record<string, unknown>, depth + 1)
  }
  return logged
}

export const serializeError = (error: Error): LoggedError =>
  error instanceof Error ? describe(error as Error & Record<string, unknown>, 0) : error

type LoggerOption = FastifyServerOptions['logger']

/** A logger configuration with errors logged as serializeError does; `false` stays silent. */
export function withSafeErrors(logger: LoggerOption): LoggerOption {
  if (logger === false || logger === undefined) return logger
  const options = logger === true ? {} : logger
  return { ...options, serializers: { ...options.serializers, err: serializeError } }
}

/** An SMTP server's reply may quote the addresses it refused: a log keeps their domains only. */
export const withoutAddresses = (text: string) => text.replace(/[^\s<>"',;:()[\]]+@(?=[\w-]+\.)/g, '…@')
