import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/rows.ts'
import { hashToken } from '../../src/domain/accounts/secrets.ts'
import { HttpClient } from '../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { vendorClient } from './vendor/fixtures.ts'

// Each instance caches the sessions and keys it resolved. Two instances on one database: on PostgreSQL each
// hears of a change only through NOTIFY on its own connection; on PGlite both share one in-process database.
let first: TestApp
let second: TestApp

before(async () => {
  first = await startTestApp()
  second = await startTestApp({ shared: { database: first.database, dataDir: first.dataDir } })
})
after(async () => {
  await second.close()
  await first.close()
})

let made = 0
/** A user of its own for each test, so one test's revocations leave the others alone. */
async function newUser(fields: { isStaff?: boolean } = {}) {
  made++
  const email = `cached${made}@parley.test`
  const password = `cached${made}-password`
  const user = await first.app.domain.accounts.createUser({
    companyId: first.demo.company.id,
    email,
    password,
    ...fields,
  })
  return { id: user.id, email, password, key: await first.app.domain.accounts.createApiKey(user.id) }
}

async function vendorSession(parley: TestApp, user: { email: string; password: string }) {
  const client = vendorClient(parley.baseUrl)
  const response = await client.post('/vendor/auth/login', {
    json: { email: user.email, password: user.password },
  })
  assert.equal(response.status, 200)
  return client.cookies.get('PARTIZAP_SESSION') ?? ''
}

/** The status of a vendor read carrying `session`, sent to `parley`: 200 signed in, 401 anonymous. */
const vendorStatus = async (parley: TestApp, session: string) =>
  (
    await fetch(`${parley.baseUrl}/vendor/conversations`, {
      headers: { cookie: `PARTIZAP_SESSION=${session}` },
    })
  ).status

/** The status of a staff read with `key`: 200 for staff, 403 for a non-staff user, 401 for no user. */
const staffStatus = async (parley: TestApp, key: string) =>
  (await fetch(`${parley.baseUrl}/api/contact-subjects/`, { headers: { authorization: `Token ${key}` } }))
    .status

/** Polls until `probe` answers `expected`: a change reaches other instances on commit, not at once. */
async function eventually(probe: () => Promise<number>, expected: number) {
  const deadline = Date.now() + 5_000
  let status = await probe()
  while (status !== expected && Date.now() < deadline) {
    await delay(20)
    status = await probe()
  }
  assert.equal(status, expected)
}

test('a logged-out session is refused at once by the instance that logged it out', async () => {
  const user = await newUser()
  const client = vendorClient(first.baseUrl)
  await client.post('/vendor/auth/login', { json: { email: user.email, password: user.password } })
  const session = client.cookies.get('PARTIZAP_SESSION') ?? ''
  assert.equal(await vendorStatus(first, session), 200)
  assert.equal(await vendorStatus(first, session), 200)
  assert.equal((await client.post('/vendor/auth/logout')).status, 204)
  assert.equal(await vendorStatus(first, session), 401)
})

test('a storefront logout on one instance is refused by the other shortly after', async () => {
  const user = await newUser()
  const client = new HttpClient(first.baseUrl)
  await client.login(user.email, user.password)
  const session = client.cookies.get('sessionid') ?? ''
  assert.equal(await vendorStatus(second, session), 200, 'the other instance has it cached')
  assert.equal((await client.post('/users/logout/')).status, 200)
  await eventually(() => vendorStatus(second, session), 401)
})

test('a session deleted in the database is refused by every instance shortly after', async () => {
  const user = await newUser()
  const session = await vendorSession(first, user)
  assert.equal(await vendorStatus(first, session), 200)
  assert.equal(await vendorStatus(second, session), 200)
  await first.db.execute(sql`delete from sessions where token_hash = ${hashToken(session)}`)
  await eventually(() => vendorStatus(first, session), 401)
  await eventually(() => vendorStatus(second, session), 401)
})

test('a user deactivated in the database loses every session and key shortly after', async () => {
  const user = await newUser({ isStaff: true })
  const session = await vendorSession(first, user)
  assert.equal(await vendorStatus(second, session), 200)
  assert.equal(await staffStatus(second, user.key), 200)
  await first.db.execute(sql`update users set is_active = false where id = ${user.id}`)
  await eventually(() => vendorStatus(second, session), 401)
  await eventually(() => staffStatus(second, user.key), 401)
})

test('a staff user demoted in the database is forbidden shortly after', async () => {
  const user = await newUser({ isStaff: true })
  assert.equal(await staffStatus(second, user.key), 200)
  await first.db.execute(sql`update users set is_staff = false where id = ${user.id}`)
  await eventually(() => staffStatus(second, user.key), 403)
})

test('an API key revoked in the database is refused shortly after, on the staff and shop surfaces', async () => {
  const user = await newUser({ isStaff: true })
  const shopStatus = async () =>
    (await fetch(`${second.baseUrl}/v3/conversation`, { headers: { authorization: `Bearer ${user.key}` } }))
      .status
  assert.equal(await staffStatus(second, user.key), 200)
  assert.equal(await shopStatus(), 200)
  await first.db.execute(sql`update api_keys set revoked_at = now() where key_hash = ${hashToken(user.key)}`)
  await eventually(() => staffStatus(second, user.key), 401)
  await eventually(shopStatus, 401)
})

test('a cached session is answered from memory: a deletion the triggers do not report goes unseen', async () => {
  const user = await newUser()
  const session = await vendorSession(first, user)
  assert.equal(await vendorStatus(first, session), 200)
  // With triggers off for one transaction (as a replica applies changes), no instance is told.
  await first.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`delete from sessions where token_hash = ${hashToken(session)}`)
  })
  assert.equal(await vendorStatus(first, session), 200, 'served from the cache, not the database')
  assert.equal(await vendorStatus(second, session), 401, 'an instance that never cached it asks the database')
})

const inProcess = process.env.DATABASE_URL === undefined && 'PGlite listens in process: no connection to drop'

test('a dropped listener empties the cache until it listens again', { skip: inProcess }, async () => {
  const user = await newUser()
  const session = await vendorSession(first, user)
  assert.equal(await vendorStatus(first, session), 200)
  const listeners = async () =>
    rowsOf<{ pid: number }>(
      await first.db.execute(
        sql`select pid from pg_stat_activity
          where datname = current_database() and application_name = 'parley-listener' order by pid`,
      ),
    ).map((row) => row.pid)
  const before = await listeners()
  await first.db.execute(
    sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = 'parley-listener'`,
  )
  // Both instances listen again, on new connections, after dropping what they may have missed.
  const deadline = Date.now() + 10_000
  let after = await listeners()
  while ((after.length < 2 || after.some((pid) => before.includes(pid))) && Date.now() < deadline) {
    await delay(50)
    after = await listeners()
  }
  assert.equal(after.length, 2)
  await first.db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`)
    await tx.execute(sql`delete from sessions where token_hash = ${hashToken(session)}`)
  })
  assert.equal(await vendorStatus(first, session), 401, 'the cached session was dropped with the listener')
})
