import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import type { Database } from '../../src/db/client.ts'
import { createNotifier } from '../../src/db/notifier.ts'
import { openTestDatabase } from '../helpers/test-app.ts'

let database: Database
let drop: () => Promise<void>

before(async () => {
  ;({ database, drop } = await openTestDatabase())
})
after(async () => {
  await database.close()
  await drop()
})

/** Listens on `channel` and collects what arrives, until the test ends. */
async function hear(channel: string) {
  const heard: string[] = []
  const unlisten = await database.listen(channel, (payload) => heard.push(payload))
  return { heard, unlisten }
}

async function until(check: () => boolean) {
  for (let waited = 0; !check() && waited < 5_000; waited += 20) await delay(20)
}

test('every notification reaches its channel, each payload once, however many are queued together', async () => {
  const errors: unknown[] = []
  const notifier = createNotifier(database.db, (error) => errors.push(error))
  const first = await hear('parley_test_first')
  const second = await hear('parley_test_second')
  const payloads = Array.from({ length: 200 }, (_, n) => `customer:${n}`)
  for (const payload of payloads) notifier.notify('parley_test_first', payload)
  // The first notification went out at once; the rest wait for it, and this one among them.
  notifier.notify('parley_test_first', 'customer:199')
  notifier.notify('parley_test_second', 'seller:7')
  await notifier.settle()
  await until(() => first.heard.length >= payloads.length && second.heard.length >= 1)
  await delay(100)

  assert.deepEqual(errors, [])
  assert.deepEqual(new Set(first.heard), new Set(payloads), 'every payload arrived on its channel')
  assert.equal(first.heard.length, payloads.length, 'a payload queued twice while waiting is sent once')
  assert.deepEqual(second.heard, ['seller:7'])
  await first.unlisten()
  await second.unlisten()
})

test('a notification that fails is reported and the ones after it still go out', async () => {
  const errors: unknown[] = []
  const notifier = createNotifier(database.db, (error) => errors.push(error))
  const channel = await hear('parley_test_after_failure')
  // PostgreSQL refuses a payload of 8,000 bytes or more.
  notifier.notify('parley_test_after_failure', 'x'.repeat(9_000))
  await notifier.settle()
  notifier.notify('parley_test_after_failure', 'seller:1')
  await notifier.settle()
  await until(() => channel.heard.length >= 1)

  assert.equal(errors.length, 1, 'the refused batch was reported')
  assert.deepEqual(channel.heard, ['seller:1'])
  await channel.unlisten()
})

test('a quiet notifier sends at once, however long its gap', async () => {
  // An hour's gap: a first notification that waited for it would never be heard, however loaded the
  // machine, so no bound on how soon it arrives is needed. Nothing else is sent, so no timer is left behind.
  const notifier = createNotifier(database.db, () => {}, { gapMs: 3_600_000 })
  const channel = await hear('parley_test_quiet')
  notifier.notify('parley_test_quiet', 'customer:1')
  await until(() => channel.heard.length >= 1)
  assert.deepEqual(channel.heard, ['customer:1'])
  await channel.unlisten()
})

test('a busy notifier waits out the gap since its last batch', async () => {
  const gapMs = 300
  const notifier = createNotifier(database.db, () => {}, { gapMs })
  const channel = await hear('parley_test_paced')
  const firstAt = performance.now()
  notifier.notify('parley_test_paced', 'customer:1')
  await until(() => channel.heard.length >= 1)
  notifier.notify('parley_test_paced', 'customer:2')
  notifier.notify('parley_test_paced', 'customer:3')
  await notifier.settle()
  await until(() => channel.heard.length >= 3)
  // A lower bound only, which load cannot break: the notifier measures the gap on the same clock.
  assert.ok(performance.now() - firstAt >= gapMs - 20, 'the next batch waited for the gap to pass')
  assert.deepEqual(channel.heard, ['customer:1', 'customer:2', 'customer:3'])
  await channel.unlisten()
})
