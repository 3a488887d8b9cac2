import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { Throttled } from '../../src/domain/errors.ts'
import { createThrottle } from '../../src/domain/throttles/throttle.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

const database = useTestDatabase()

const WINDOW_MS = 60_000
let run = 0

test('hits counted at once, by two instances, each get a count of their own: 1 to n on every key', async () => {
  // Two throttles on one database are two instances: each gathers its own concurrent hits into statements.
  const instances = [createThrottle(database().db), createThrottle(database().db)]
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          instance: fc.integer({ min: 0, max: 1 }),
          keys: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1 }),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      async (requests) => {
        run += 1
        const keyOf = (key: string) => `test:${run}:${key}`
        const answers = await Promise.all(
          requests.map(({ instance, keys }) => instances[instance]?.count(keys.map(keyOf), WINDOW_MS)),
        )
        for (const key of ['a', 'b', 'c'] as const) {
          const naming = requests.filter((request) => request.keys.includes(key)).length
          const counts = answers
            .flatMap((hits) => hits ?? [])
            .filter((hit) => hit.key === keyOf(key))
            .map((hit) => hit.hits)
            .sort((x, y) => x - y)
          assert.deepEqual(
            counts,
            Array.from({ length: naming }, (_, index) => index + 1),
          )
        }
        for (const hits of answers) {
          for (const hit of hits ?? []) assert.ok(hit.retryAfterMs > 0 && hit.retryAfterMs <= WINDOW_MS)
        }
      },
    ),
    { numRuns: 25 },
  )
})

test('the hit past the limit is refused, however many arrive together', async () => {
  const throttle = createThrottle(database().db)
  const limits = [{ rule: 'test', key: 'test:together', limit: 5 }]
  const outcomes = await Promise.allSettled(
    Array.from({ length: 12 }, () => throttle.check(limits, WINDOW_MS)),
  )
  assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 5)
  const refused = outcomes.filter((outcome) => outcome.status === 'rejected')
  assert.equal(refused.length, 7)
  for (const outcome of refused) assert.ok(outcome.reason instanceof Throttled)
})
