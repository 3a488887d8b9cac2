/**
 * The messages between Parley's thread and the worker thread that owns the embedded PGlite (pglite-thread.ts).
 * A statement names the transaction it belongs to, if any: PGlite is one connection, so the worker runs one
 * transaction at a time and statements outside it wait until it ends, as they did in-process.
 */

export type Request =
  | {
      op: 'query'
      sql: string
      params: unknown[]
      rowMode: 'array' | 'object'
      tx?: number
      /** Kept parsed and planned under a name of its own, as a server keeps a prepared statement. */
      named: boolean
    }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'listen'; channel: string; listenId: number }
  | { op: 'unlisten'; listenId: number }
  | { op: 'close' }

export type Call = Request & { id: number }

/** What the worker posts: an answer to a call, a notification heard, or (once) whether it opened the database. */
export type Reply =
  | { kind: 'answer'; id: number; ok: true; value: unknown }
  | { kind: 'answer'; id: number; ok: false; error: SentError }
  | { kind: 'notification'; listenId: number; payload: string }
  | { kind: 'ready'; error?: SentError }

/** An error as it crosses threads: structured cloning keeps an Error's message but drops PostgreSQL's fields. */
export type SentError = { message: string; fields: Record<string, unknown> }

export function sendError(error: unknown): SentError {
  if (!(error instanceof Error)) return { message: String(error), fields: {} }
  // PostgreSQL's fields are text and numbers; PGlite also keeps the statement's parameters, and its options
  // (parsers are functions, which cannot cross).
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      fields[key] = value
    else if (key === 'params') fields[key] = clonable(value)
  }
  return { message: error.message, fields }
}

function clonable(value: unknown) {
  try {
    return structuredClone(value)
  } catch {
    return undefined
  }
}

/** A PostgreSQL error from the worker, with the fields (code, severity, constraint…) PGlite gave it. */
export class DatabaseError extends Error {
  constructor(sent: SentError) {
    super(sent.message)
    Object.assign(this, sent.fields)
  }
}
