import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>

// N=2^15: slow for a guesser, fast enough for a login (docs/operations.md, "Measurements", has its cost).
const COST = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const KEY_LENGTH = 32

/** `scrypt$N$r$p$salt$hash`, so the cost can rise later without breaking stored hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scryptAsync(password, salt, KEY_LENGTH, COST)
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  })
  return timingSafeEqual(actual, expected)
}

// A hash of a real password, compared against when the user does not exist so both paths take as long.
let decoy: Promise<string> | undefined
export const decoyHash = () => {
  decoy ??= hashPassword(randomBytes(12).toString('base64url'))
  return decoy
}

/** A random bearer secret (API key). */
export const newToken = (bytes = 32) => randomBytes(bytes).toString('base64url')

/**
 * `length` characters drawn evenly from `alphabet`: bytes that would favour the alphabet's first characters
 * (those at or above the largest multiple of its size) are skipped, not folded in.
 */
function randomString(alphabet: string, length: number) {
  const ceiling = 256 - (256 % alphabet.length)
  let result = ''
  while (result.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < ceiling && result.length < length) result += alphabet[byte % alphabet.length]
    }
  }
  return result
}

const DIGITS = '0123456789'
const LOWER = 'abcdefghijklmnopqrstuvwxyz'

/**
 * A session id as Django makes them: 32 characters of `[a-z0-9]` (about 165 bits). Clients find it in
 * `Set-Cookie` with `\w+` (`@akinon/next` does), so a `-` would cut it short.
 */
export const newSessionId = () => randomString(DIGITS + LOWER, 32)

/** A CSRF token as Django's are: alphanumeric (32 characters, about 190 bits). */
export const newCsrfToken = () => randomString(DIGITS + LOWER + LOWER.toUpperCase(), 32)

/** Bearer secrets are stored as SHA-256: they are long and random, so a slow hash adds nothing. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * What a login answers as its `key` (dj-rest-auth's field): a name of the session that is not the session.
 * Scripts on the page read the body, and the session cookie is HttpOnly so that they cannot steal it.
 */
export const sessionKey = (sessionId: string) => hashToken(`key:${sessionId}`).slice(0, 40)
