import type { Db } from '../../db/client.ts'
import { DomainError, NON_FIELD } from '../errors.ts'
import type { Principal } from '../principal.ts'
import { companiesRepository } from './companies-repository.ts'
import { decoyHash, hashPassword, hashToken, newToken, verifyPassword } from './secrets.ts'
import { type NewUser, type User, usersRepository } from './users-repository.ts'

export const principalOf = (user: User): Principal => ({
  userId: user.id,
  companyId: user.companyId,
  email: user.email,
  isStaff: user.isStaff,
  isSuperuser: user.isSuperuser,
})

const LOGIN_FAILED = 'Unable to log in with provided credentials.'

/** Users, their sessions and their API keys. Secrets are returned once, when made, and stored hashed. */
export function createAccountsService(db: Db, sessionTtlSeconds: number) {
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

    /** Checks the credentials and opens a session; the returned token is the cookie value. */
    async login(companyId: number, email: string, password: string) {
      const user = await usersRepository.findByEmail(db, companyId, email)
      const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()))
      if (!user?.passwordHash || !matches || !user.isActive) {
        throw new DomainError('validation', LOGIN_FAILED, { [NON_FIELD]: [LOGIN_FAILED] })
      }
      const token = newToken()
      await usersRepository.insertSession(
        db,
        hashToken(token),
        user.id,
        new Date(Date.now() + sessionTtlSeconds * 1000),
      )
      return { token, user }
    },

    async logout(sessionToken: string) {
      await usersRepository.deleteSession(db, hashToken(sessionToken))
    },

    async userOfSession(sessionToken: string): Promise<User | undefined> {
      return usersRepository.userOfSession(db, hashToken(sessionToken))
    },

    async userOfApiKey(key: string): Promise<User | undefined> {
      return usersRepository.userOfApiKey(db, hashToken(key))
    },

    async createUser(
      user: Omit<NewUser, 'passwordHash'> & { password?: string },
      runIn: Db = db,
    ): Promise<User> {
      const { password, ...fields } = user
      const passwordHash = password === undefined ? null : await hashPassword(password)
      return usersRepository.insert(runIn, { ...fields, passwordHash })
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
