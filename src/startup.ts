import { join } from 'node:path'
import type { Config } from './config.ts'

/** Where the data lives, as a person reads it: never a password. */
export function describeDatabase(config: Config) {
  if (config.databaseUrl === undefined) return `embedded PGlite in ${join(config.dataDir, 'db')}`
  if (config.databaseUrl === 'memory://') return 'in-memory PGlite (nothing is kept)'
  const url = new URL(config.databaseUrl)
  const host = url.host || url.searchParams.get('host') || 'localhost'
  const user = url.username ? `${decodeURIComponent(url.username)}@` : ''
  return `PostgreSQL ${user}${host}${url.pathname}`
}

export function describeMail(config: Config) {
  if (config.smtpUrl === undefined) return `written as .eml files in ${join(config.dataDir, 'mail')}`
  const url = new URL(config.smtpUrl)
  return `sent by SMTP${url.protocol === 'smtps:' ? 'S' : ''} to ${url.host}`
}

/** The one line `npm start` prints for a person once it listens; `inboxBuilt`: whether web/dist is there. */
export const startupLine = (config: Config, url: string, inboxBuilt: boolean) =>
  `Parley is running at ${url} — ${inboxBuilt ? `staff inbox ${url}/inbox/` : 'staff inbox not built (npm install builds it)'}, API docs ${url}/docs; database: ${describeDatabase(config)}; mail: ${describeMail(config)}`

/** The error and the causes it wraps (a driver's error inside the ORM's), outermost first. */
function causes(error: unknown): { code?: string; message?: string }[] {
  const chain = []
  for (let at = error; typeof at === 'object' && at !== null && chain.length < 10; at = (at as Error).cause)
    chain.push(at as { code?: string; message?: string })
  return chain
}

const UNREACHABLE = ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET']

/** Why the start failed, in one line, for the failures a person can fix; undefined for the others. */
export function startFailure(error: unknown, config: Config): string | undefined {
  const where = `port ${config.port} on ${config.host}`
  for (const { code, message } of causes(error)) {
    if (code === 'EADDRINUSE')
      return `${where} is already in use: stop what uses it or set PORT to another port`
    if (code === 'EACCES') return `not allowed to listen on ${where}: choose a port above 1023`
    if (code === 'EADDRNOTAVAIL')
      return `cannot listen on ${config.host}: set HOST to an address of this machine`
    if (code !== undefined && UNREACHABLE.includes(code))
      return `cannot reach the database (${describeDatabase(config)}): ${code}`
    // PostgreSQL's own refusals carry a five-character SQLSTATE: a wrong password, a missing database.
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && message)
      return `the database (${describeDatabase(config)}) refused: ${message}`
  }
  return undefined
}
