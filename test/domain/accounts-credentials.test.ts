import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { createAccountsService } from '../../src/domain/accounts/accounts-service.ts'
import { createCredentialsCache } from '../../src/domain/accounts/credentials-cache.ts'
import { openTestDatabase } from '../helpers/test-app.ts'

const SESSION_TTL_SECONDS = 3600

let database: Database
let drop: () => Promise<void>
let companyId: number

before(async () => {
  ;({ database, drop } = await openTestDatabase())
  companyId = await createAccountsService(database.db, SESSION_TTL_SECONDS).companyForHost(undefined)
})
after(async () => {
  await database.close()
  await drop()
})

test('a cached session past its expiry is refused from memory, though the database would still take it', async () => {
  let clock = Date.now()
  const cache = createCredentialsCache({ now: () => clock })
  cache.enable()
  const accounts = createAccountsService(database.db, SESSION_TTL_SECONDS, cache)
  await accounts.createUser({ companyId, email: 'expiring@parley.test', password: 'expiring-password' })
  const { token, user } = await accounts.login(companyId, 'expiring@parley.test', 'expiring-password')
  assert.equal((await accounts.principalOfSession(token))?.userId, user.id)

  // Only this cache's clock moves: by the database's clock the session still has an hour to run.
  clock += (SESSION_TTL_SECONDS + 60) * 1000
  assert.equal(await accounts.principalOfSession(token), undefined)
  const uncached = createAccountsService(database.db, SESSION_TTL_SECONDS)
  assert.equal((await uncached.principalOfSession(token))?.userId, user.id)
})

test('without a listener nothing is cached: every resolution asks the database', async () => {
  const accounts = createAccountsService(database.db, SESSION_TTL_SECONDS)
  const user = await accounts.createUser({ companyId, email: 'unwatched@parley.test', isStaff: true })
  const key = await accounts.createApiKey(user.id)
  assert.equal((await accounts.principalOfApiKey(key))?.userId, user.id)
  await database.db.execute(sql`update api_keys set revoked_at = now() where user_id = ${user.id}`)
  assert.equal(await accounts.principalOfApiKey(key), undefined)
})

test('logout forgets the cached session itself, before any notification could arrive', async () => {
  const cache = createCredentialsCache()
  cache.enable()
  const accounts = createAccountsService(database.db, SESSION_TTL_SECONDS, cache)
  await accounts.createUser({ companyId, email: 'leaving@parley.test', password: 'leaving-password' })
  const { token } = await accounts.login(companyId, 'leaving@parley.test', 'leaving-password')
  assert.ok(await accounts.principalOfSession(token))
  assert.equal(cache.size, 1)
  await accounts.logout(token)
  assert.equal(cache.size, 0)
  assert.equal(await accounts.principalOfSession(token), undefined)
})
