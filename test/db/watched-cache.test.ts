import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createWatchedCache } from '../../src/db/watched-cache.ts'

/** A cache of one kind on a clock the test moves. */
function setUp(bounds = { ttlMs: 1_000, maxEntries: 3 }) {
  let clock = 0
  const cache = createWatchedCache('test', bounds, { now: () => clock })
  const space = cache.space<string, number>()
  return { cache, space, advance: (ms: number) => (clock += ms) }
}

test('hits, misses and drops are counted', () => {
  const { cache, space } = setUp()
  cache.enable()
  assert.equal(space.get('a'), undefined)
  space.keep('a', 1, cache.readStarts())
  space.keep('b', 2, cache.readStarts())
  assert.equal(space.get('a'), 1)
  space.drop('a')
  space.drop('a')
  cache.dropAll()
  assert.deepEqual(cache.stats(), { name: 'test', hits: 1, misses: 1, drops: 2, size: 0 })
})

test('nothing is kept before enable or after disable, and disable drops everything', () => {
  const { cache, space } = setUp()
  space.keep('a', 1, cache.readStarts())
  assert.equal(space.size, 0)
  cache.enable()
  space.keep('a', 1, cache.readStarts())
  cache.disable()
  assert.equal(space.size, 0)
  space.keep('a', 1, cache.readStarts())
  assert.equal(space.get('a'), undefined)
})

test('a read that raced a change is not kept', () => {
  const { cache, space } = setUp()
  cache.enable()
  const readStartedAt = cache.readStarts()
  cache.changed()
  space.keep('a', 1, readStartedAt)
  assert.equal(space.get('a'), undefined)
})

test('an entry is trusted for the TTL, then read again', () => {
  const { cache, space, advance } = setUp()
  cache.enable()
  space.keep('a', 1, cache.readStarts())
  advance(999)
  assert.equal(space.get('a'), 1)
  advance(1)
  assert.equal(space.get('a'), undefined)
})

test('whatever is kept, a kind never holds more than maxEntries, and the newest stays', () => {
  // 200 runs of up to 50 keys from a small alphabet, so keys repeat: drawn by a fixed-seed generator.
  let seed = 42
  const next = (bound: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return seed % bound
  }
  for (let run = 0; run < 200; run += 1) {
    const { cache, space } = setUp({ ttlMs: 1_000, maxEntries: 3 })
    cache.enable()
    const keys = Array.from({ length: next(50) + 1 }, () => String.fromCharCode(97 + next(6)))
    for (const [index, key] of keys.entries()) space.keep(key, index, cache.readStarts())
    assert.ok(space.size <= 3)
    assert.equal(space.get(keys.at(-1) ?? ''), keys.length - 1)
  }
})
