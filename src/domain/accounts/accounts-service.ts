import type { Db } from '../../db/client.ts'
import type { Listener } from '../../db/listener.ts'
import { watchChannel } from '../../db/watched-cache.ts'
import { shownCacheOf } from '../conversations/queries/shown-cache.ts'
import { toUser } from '../conversations/queries/shown-records-repository.ts'
import { DomainError, NON_FIELD, type Problem } from '../errors.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { createThrottle, type ThrottleLimit } from '../throttles/throttle.ts'
import { companiesRepository } from './companies-repository.ts'
import { CREDENTIALS_CHANNEL, type CredentialsCache, createCredentialsCache } from './credentials-cache.ts'
import { decoyHash, hashPassword, hashToken, newSessionId, newToken, verifyPassword } from './secrets.ts'
import { staffMembersRepository } from './staff-members-repository.ts'
import { type NewUser, type User, usersRepository } from './users-repository.ts'

const LOGIN_FAILED: Problem = { code: 'login_failed' }

/** How many failed logins an account, and a client address, may have in a window before the next is refused. */
export type LoginLimits = { failuresPerAccount: number; failuresPerAddress: number; windowSeconds: number }

const defaultLoginLimits: LoginLimits = { failuresPerAccount: 10, failuresPerAddress: 50, windowSeconds: 900 }

/** An account is counted by a hash of its tenant and email, so the throttle's table and log hold no email. */
const accountKey = (companyId: number, email: string) =>
  `login:account:${hashToken(`${companyId}:${email.trim().toLowerCase()}`).slice(0, 32)}`

/** Why a password is refused, as Django's validators judge it: 8 characters, not all digits, not the email. */
export function passwordProblems(password: string, email: string): Problem[] {
  const problems: Problem[] = []
  if (password.length < 8) problems.push({ code: 'password_too_short', min: 8 })
  if (/^\d+$/.test(password)) problems.push({ code: 'password_numeric' })
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    problems.push({ code: 'password_is_email' })
  return problems
}

/** PostgreSQL's unique_violation, however deep the driver wrapped it. */
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  ((error as { code?: unknown }).code === '23505' || isUniqueViolation((error as { cause?: unknown }).cause))

/**
 * Users, their sessions and their API keys. Secrets are returned once, when made, and stored hashed; a
 * resolved session or key is remembered (by its hash) so repeat requests skip the database.
 */
export function createAccountsService(
  db: Db,
  sessionTtlSeconds: number,
  credentials: CredentialsCache = createCredentialsCache(),
  loginLimits: LoginLimits = defaultLoginLimits,
) {
  const throttle = createThrottle(db)
  const loginWindowMs = loginLimits.windowSeconds * 1000
  return {
    /** The tenant of an anonymous request, by the host it was sent to. */
    async companyForHost(host: string | undefined): Promise<number> {
      const companyId = await companiesRepository.forHost(db, host)
      if (companyId === undefined) throw new Error('no company: the database was not initialised')
      return companyId
    },

    /** Where a request acts when it names no location: its company's first one. */
    async defaultLocation(companyId: number): Promise<number | null> {
      return companiesRepository.firstLocation(db, companyId)
    },

    /**
     * Checks the credentials and opens a session; the returned token is the cookie value. Every attempt
     * counts against the account and the client's address until it succeeds: past either limit the attempt is
     * refused (Throttled) before the password is looked at, on every instance alike.
     */
    async login(
      companyId: number,
      email: string,
      password: string,
      client?: { address: string },
      /** Refuses (by throwing) a user who may not open this kind of session, before it is opened. */
      mayOpen: (user: User) => void = () => {},
    ) {
      const limits: ThrottleLimit[] = [
        { rule: 'login:account', key: accountKey(companyId, email), limit: loginLimits.failuresPerAccount },
      ]
      if (client) {
        const key = `login:address:${client.address}`
        limits.push({ rule: 'login:address', key, limit: loginLimits.failuresPerAddress })
      }
      await throttle.check(limits, loginWindowMs)
      const user = await usersRepository.findByEmail(db, companyId, email)
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()))
      if (!user?.passwordHash || !matches || !user.isActive) {
        throw new DomainError('validation', LOGIN_FAILED, { [NON_FIELD]: [LOGIN_FAILED] })
      }
      await throttle.forgive(limits)
      mayOpen(user)
      const token = newSessionId()
      await usersRepository.insertSession(
        db,
        hashToken(token),
        user.id,
        new Date(Date.now() + sessionTtlSeconds * 1000),
      )
      return { token, user }
    },

    async logout(sessionToken: string) {
      const tokenHash = hashToken(sessionToken)
      await usersRepository.deleteSession(db, tokenHash)
      // Other instances hear of it from the database; this one forgets before answering the logout.
      credentials.forget(`session:${tokenHash}`)
    },

    /** The name a session goes by in credential notifications (CREDENTIALS_CHANNEL). */
    sessionCredential: (sessionToken: string) => `session:${hashToken(sessionToken)}`,

    /** Tells `listener` of every credential that ended or changed, on any instance (CredentialsCache.onForget). */
    onCredentialsEnded: (listener: (names: string[]) => void) => credentials.onForget(listener),

    async principalOfSession(sessionToken: string): Promise<Principal | undefined> {
      const tokenHash = hashToken(sessionToken)
      return credentials.resolve('session', tokenHash, async () => {
        const shownCache = shownCacheOf(db)
        const readStartedAt = shownCache.readStarts()
        const row = await usersRepository.principalOfSession(db, tokenHash)
        if (!row) return undefined
        const { expiresAt, shown, ...principal } = row
        // A user's own pages show the user: held from this read, a first page need not read it again, which
        // matters on a cold instance, where every user's first page would.
        shownCache.holdUser(toUser(shown), readStartedAt)
        return { principal, expiresAt: expiresAt.getTime() }
      })
    },

    async principalOfApiKey(key: string): Promise<Principal | undefined> {
      const keyHash = hashToken(key)
      return credentials.resolve('key', keyHash, async () => {
        const principal = await usersRepository.principalOfApiKey(db, keyHash)
        return principal && { principal, expiresAt: Number.POSITIVE_INFINITY }
      })
    },

    /**
     * Caches credentials while this instance hears, on the database's credentials channel, of every change
     * that would end one; returns how to stop (and forget them all). A dropped listener may have missed
     * changes: the cache is emptied and stays off until the listener hears again.
     */
    async watchCredentials(listener: Listener): Promise<() => Promise<void>> {
      return watchChannel(listener, CREDENTIALS_CHANNEL, credentials)
    },

    /** The credentials cache's counters (see CacheStats). */
    credentialsCacheStats: () => credentials.stats(),

    async createUser(
      user: Omit<NewUser, 'passwordHash'> & { password?: string },
      runIn: Db = db,
    ): Promise<User> {
      const { password, ...fields } = user
      const problems = password === undefined ? [] : passwordProblems(password, user.email)
      if (problems.length > 0) {
        throw new DomainError('validation', { code: 'invalid_input' }, { password: problems })
      }
      const passwordHash = password === undefined ? null : await hashPassword(password)
      try {
        return await usersRepository.insert(runIn, { ...fields, passwordHash })
      } catch (error) {
        if (!isUniqueViolation(error)) throw error
        const taken: Problem = { code: 'email_taken' }
        throw new DomainError('conflict', taken, { email: [taken] })
      }
    },

    /** The signed-in user as their own account shows them, with when they last logged in. */
    async currentUser(principal: Principal) {
      const user = await usersRepository.findById(db, principal.companyId, principal.userId)
      if (!user) throw new DomainError('unauthenticated', { code: 'not_authenticated' })
      return { user, lastLogin: await usersRepository.lastLogin(db, user.id) }
    },

    /** The company's active staff and admin users, for staff to assign work to. */
    async staffMembers(principal: Principal) {
      requireStaff(principal)
      return staffMembersRepository.list(db, principal.companyId)
    },

    async setPassword(userId: number, password: string, runIn: Db = db) {
      await usersRepository.update(runIn, userId, { passwordHash: await hashPassword(password) })
    },

    /** Makes an API key for a user; the key itself is in the result only, never stored. */
    async createApiKey(userId: number, name = '', runIn: Db = db): Promise<string> {
      const key = `prl_${newToken(24)}`
      await usersRepository.insertApiKey(runIn, {
        userId,
        name,
        prefix: key.slice(0, 8),
        keyHash: hashToken(key),
      })
      return key
    },
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>
