import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { StoredEvent } from '../../src/domain/events/events-repository.ts'
import { createSharedReads } from '../../src/domain/events/shared-reads.ts'

const eventsWithIds = (ids: number[]): StoredEvent[] =>
  ids.map((id) => ({ id, type: 'message.created', payload: { id }, createdAt: new Date(0) }))

/** A feed's stored events, read as the repository does: after an id, oldest first, a page at most. */
function storedFeed(ids: number[]) {
  const reads: number[] = []
  const sorted = [...new Set(ids)].sort((a, b) => a - b)
  const read = async (afterId: number, limit: number) => {
    reads.push(afterId)
    return eventsWithIds(sorted.filter((id) => id > afterId).slice(0, limit))
  }
  return { reads, read, sorted }
}

test('reads of one feed asked in the same turn are shared, and each caller gets what follows its own id', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 60 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 1, max: 80 }),
      async (ids, askedFrom, pageSize) => {
        const readShared = createSharedReads()
        const feed = storedFeed(ids)
        const pages = await Promise.all(
          askedFrom.map((afterId) => readShared('customer:1', afterId, pageSize, feed.read)),
        )
        // One read from the lowest id, and another only for callers a full page ended before.
        assert.equal(feed.reads[0], Math.min(...askedFrom))
        assert.ok(feed.reads.length <= new Set(askedFrom).size)
        askedFrom.forEach((afterId, index) => {
          const page = pages[index]
          const following = feed.sorted.filter((id) => id > afterId)
          const got = page?.events.map((event) => event.id) ?? []
          // The events right after the caller's id, in order, none skipped; all of them unless the page was full.
          assert.deepEqual(got, following.slice(0, got.length))
          if (following.length > 0) assert.ok(got.length > 0)
          if (!page?.more) assert.equal(got.length, following.length)
        })
      },
    ),
  )
})

test('a live stream is not held back by a sibling resuming from far behind', async () => {
  const readShared = createSharedReads()
  const feed = storedFeed(Array.from({ length: 100 }, (_, index) => index + 1))
  const [behind, live] = await Promise.all([
    readShared('customer:1', 0, 10, feed.read),
    readShared('customer:1', 95, 10, feed.read),
  ])
  assert.deepEqual(
    behind?.events.map((event) => event.id),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  )
  assert.deepEqual(
    live?.events.map((event) => event.id),
    [96, 97, 98, 99, 100],
  )
  assert.deepEqual(feed.reads, [0, 95])
})

test('reads of different feeds, or asked in a later turn, are read apart', async () => {
  const readShared = createSharedReads()
  const feed = storedFeed([1, 2, 3])
  await Promise.all([readShared('customer:1', 0, 10, feed.read), readShared('seller:1', 1, 10, feed.read)])
  await readShared('customer:1', 2, 10, feed.read)
  assert.deepEqual(feed.reads, [0, 1, 2])
})

test('a read that fails fails for every caller that shared it', async () => {
  const readShared = createSharedReads()
  const failing = async (): Promise<StoredEvent[]> => {
    throw new Error('the database is gone')
  }
  const results = await Promise.allSettled([
    readShared('customer:1', 0, 10, failing),
    readShared('customer:1', 5, 10, failing),
  ])
  assert.deepEqual(
    results.map((result) => result.status),
    ['rejected', 'rejected'],
  )
})
