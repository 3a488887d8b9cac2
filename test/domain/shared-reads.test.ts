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

test('reads of one feed asked in the same turn are one read, and each caller gets what follows its own id', async () => {
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
        const lowest = Math.min(...askedFrom)
        assert.deepEqual(feed.reads, [lowest])
        const page = feed.sorted.filter((id) => id > lowest).slice(0, pageSize)
        askedFrom.forEach((afterId, index) => {
          assert.deepEqual(
            pages[index]?.events.map((event) => event.id),
            page.filter((id) => id > afterId),
          )
          assert.equal(pages[index]?.more, page.length === pageSize)
        })
      },
    ),
  )
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
