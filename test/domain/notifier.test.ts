import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createNotifier } from '../../src/db/notifier.ts'
import { manualClock } from '../helpers/manual-clock.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

const database = useTestDatabase()

/** A notification that never arrives fails its test here, however the notifier went wrong. */
const waitLimit = { timeout: 30_000 }

/** Listens on `channel` and collects what arrives, until `unlisten`. */
async function hear(channel: string) {
  const heard: string[] = []
  const waiting = new Map<string, () => void>()
  const unlisten = await database().listen(channel, (payload) => {
    heard.push(payload)
    waiting.get(payload)?.()
  })
  return {
    heard,
    unlisten,
    /** Resolves once `payload` has arrived. */
    heardOf(payload: string) {
      if (heard.includes(payload)) return Promise.resolve()
      return new Promise<void>((resolve) => waiting.set(payload, resolve))
    },
  }
}

test(
  'every notification reaches its channel, each payload once, however many are queued together',
  waitLimit,
  async () => {
    const errors: unknown[] = []
    const notifier = createNotifier(database().db, (error) => errors.push(error))
    const first = await hear('parley_test_first')
    const second = await hear('parley_test_second')
    const payloads = Array.from({ length: 200 }, (_, n) => `customer:${n}`)
    for (const payload of payloads) notifier.notify('parley_test_first', payload)
    // The first notification went out at once; the rest wait for it, and this one among them.
    notifier.notify('parley_test_first', 'customer:199')
    notifier.notify('parley_test_second', 'seller:7')
    await notifier.settle()
    // Committed after everything above, so heard after it: once these arrive, nothing sent before is on its way.
    notifier.notify('parley_test_first', 'end')
    notifier.notify('parley_test_second', 'end')
    await Promise.all([first.heardOf('end'), second.heardOf('end')])

    assert.deepEqual(errors, [])
    assert.deepEqual(
      new Set(first.heard),
      new Set([...payloads, 'end']),
      'every payload arrived on its channel',
    )
    assert.equal(first.heard.length, payloads.length + 1, 'a payload queued twice while waiting is sent once')
    assert.deepEqual(second.heard, ['seller:7', 'end'])
    await first.unlisten()
    await second.unlisten()
  },
)

test('a notification that fails is reported and the ones after it still go out', waitLimit, async () => {
  const errors: unknown[] = []
  const notifier = createNotifier(database().db, (error) => errors.push(error))
  const channel = await hear('parley_test_after_failure')
  // PostgreSQL refuses a payload of 8,000 bytes or more.
  notifier.notify('parley_test_after_failure', 'x'.repeat(9_000))
  await notifier.settle()
  notifier.notify('parley_test_after_failure', 'seller:1')
  await notifier.settle()
  await channel.heardOf('seller:1')

  assert.equal(errors.length, 1, 'the refused batch was reported')
  assert.deepEqual(channel.heard, ['seller:1'])
  await channel.unlisten()
})

test('a quiet notifier sends at once, however long its gap', waitLimit, async () => {
  // The clock never moves: a first notification that waited for the gap would never be heard.
  const clock = manualClock()
  const notifier = createNotifier(database().db, () => {}, { gapMs: 3_600_000, clock })
  const channel = await hear('parley_test_quiet')
  notifier.notify('parley_test_quiet', 'customer:1')
  assert.deepEqual(clock.sleeping(), [], 'the notification did not wait')
  await channel.heardOf('customer:1')
  assert.deepEqual(channel.heard, ['customer:1'])
  await channel.unlisten()
})

test('a busy notifier waits out the gap since its last batch, and no longer', waitLimit, async () => {
  const clock = manualClock()
  const notifier = createNotifier(database().db, () => {}, { gapMs: 300, clock })
  const channel = await hear('parley_test_paced')
  notifier.notify('parley_test_paced', 'customer:1')
  await notifier.settle()
  clock.advance(100)
  notifier.notify('parley_test_paced', 'customer:2')
  notifier.notify('parley_test_paced', 'customer:3')
  const [gap] = clock.sleeping()
  assert.equal(gap?.ms, 200, 'the next batch waits for what is left of the gap')
  clock.advance(199)
  assert.deepEqual(clock.sleeping(), [gap], 'and not a moment less')
  clock.advance(1)
  await notifier.settle()
  await channel.heardOf('customer:3')
  assert.deepEqual(channel.heard, ['customer:1', 'customer:2', 'customer:3'])

  // Once the gap since the last batch has passed, the next goes at once.
  clock.advance(300)
  notifier.notify('parley_test_paced', 'customer:4')
  assert.deepEqual(clock.sleeping(), [], 'a notification after the gap does not wait')
  await channel.heardOf('customer:4')
  await channel.unlisten()
})
