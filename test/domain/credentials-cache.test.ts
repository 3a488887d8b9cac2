import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  createCredentialsCache,
  type ResolvedCredential,
} from '../../src/domain/accounts/credentials-cache.ts'

const principal = (userId: number) => ({
  userId,
  companyId: 1,
  email: `user${userId}@parley.test`,
  isStaff: false,
  isSuperuser: false,
})

/** A cache on a clock the test moves, and a lookup that counts how often the database would be asked. */
function setUp(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let clock = 1_000_000
  const cache = createCredentialsCache({ ...options, now: () => clock })
  cache.enable()
  const lookups: string[] = []
  const known = new Map<string, ResolvedCredential>()
  const resolve = (kind: 'session' | 'key', hash: string) =>
    cache.resolve(kind, hash, async () => {
      lookups.push(`${kind}:${hash}`)
      return known.get(`${kind}:${hash}`)
    })
  return {
    cache,
    lookups,
    known,
    resolve,
    advance: (ms: number) => {
      clock += ms
    },
    at: (ms: number) => clock + ms,
  }
}

test('a repeat resolution is answered from memory', async () => {
  const { known, resolve, lookups, at } = setUp()
  known.set('session:a', { principal: principal(1), expiresAt: at(3_600_000) })
  assert.equal((await resolve('session', 'a'))?.userId, 1)
  assert.equal((await resolve('session', 'a'))?.userId, 1)
  assert.deepEqual(lookups, ['session:a'])
})

test('a session is refused from memory once past its expiry, without a lookup', async () => {
  const { known, resolve, lookups, advance, at } = setUp()
  known.set('session:a', { principal: principal(1), expiresAt: at(5_000) })
  assert.ok(await resolve('session', 'a'))
  advance(5_000)
  assert.equal(await resolve('session', 'a'), undefined)
  assert.deepEqual(lookups, ['session:a'])
})

test('an entry older than the TTL is looked up again', async () => {
  const { known, resolve, lookups, advance } = setUp({ ttlMs: 60_000 })
  known.set('key:k', { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
  await resolve('key', 'k')
  advance(59_999)
  await resolve('key', 'k')
  assert.equal(lookups.length, 1)
  advance(1)
  await resolve('key', 'k')
  assert.equal(lookups.length, 2)
})

test('unknown credentials are never kept: each guess asks again and fills nothing', async () => {
  const { cache, resolve, lookups } = setUp()
  for (let guess = 0; guess < 50; guess++) assert.equal(await resolve('key', `guess${guess % 5}`), undefined)
  assert.equal(lookups.length, 50)
  assert.equal(cache.size, 0)
})

test('the cache holds at most maxEntries, dropping the oldest first', async () => {
  const { cache, known, resolve, lookups } = setUp({ maxEntries: 3 })
  for (const hash of ['a', 'b', 'c', 'd']) {
    known.set(`key:${hash}`, { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
    await resolve('key', hash)
  }
  assert.equal(cache.size, 3)
  await resolve('key', 'd')
  await resolve('key', 'a')
  assert.deepEqual(lookups, ['key:a', 'key:b', 'key:c', 'key:d', 'key:a'])
})

test('a session and an API key with the same hash are different credentials', async () => {
  const { known, resolve } = setUp()
  known.set('key:h', { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
  assert.ok(await resolve('key', 'h'))
  assert.equal(await resolve('session', 'h'), undefined)
})

test('a notification drops the sessions, keys and users it names, or everything for *', async () => {
  const { cache, known, resolve, lookups } = setUp()
  const forever = Number.POSITIVE_INFINITY
  known.set('session:s1', { principal: principal(1), expiresAt: forever })
  known.set('session:s2', { principal: principal(2), expiresAt: forever })
  known.set('key:k2', { principal: principal(2), expiresAt: forever })
  known.set('key:k3', { principal: principal(3), expiresAt: forever })
  const resolveAll = async () => {
    await resolve('session', 's1')
    await resolve('session', 's2')
    await resolve('key', 'k2')
    await resolve('key', 'k3')
  }
  await resolveAll()
  lookups.length = 0
  cache.forget('session:s1 user:2')
  await resolveAll()
  assert.deepEqual(lookups, ['session:s1', 'session:s2', 'key:k2'])
  lookups.length = 0
  cache.forget('key:k3')
  await resolveAll()
  assert.deepEqual(lookups, ['key:k3'])
  cache.forget('*')
  assert.equal(cache.size, 0)
})

test('a lookup that raced an invalidation is answered but not kept', async () => {
  const { cache, known, resolve, lookups } = setUp()
  known.set('session:a', { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
  const pending = resolve('session', 'a')
  cache.forget('session:a')
  assert.ok(await pending)
  await resolve('session', 'a')
  assert.equal(lookups.length, 2)
})

test('nothing is kept while the cache is disabled, and disabling forgets everything', async () => {
  const { cache, known, resolve, lookups } = setUp()
  known.set('key:k', { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
  await resolve('key', 'k')
  cache.disable()
  assert.equal(cache.size, 0)
  await resolve('key', 'k')
  await resolve('key', 'k')
  assert.equal(lookups.length, 3)
})

test('a cached principal cannot be changed by the request that received it', async () => {
  const { known, resolve } = setUp()
  known.set('key:k', { principal: principal(1), expiresAt: Number.POSITIVE_INFINITY })
  await resolve('key', 'k')
  const cached = await resolve('key', 'k')
  assert.throws(() => {
    ;(cached as { isSuperuser: boolean }).isSuperuser = true
  }, TypeError)
})
