import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { holderKey, holdersOf, messageOf } from '../../bench/fanout-plan.ts'
import { type FanOutRow, fanOutFailures, judgeFanOut, rssPerStreamKb } from '../../bench/fanout-report.ts'
import { customerOfConversation, type Fixture, isStaffConversation, SHAPES } from '../../bench/shape.ts'

/** A fan-out run of 10,000 streams on one instance that went as `result` says. */
const row = (result: Partial<FanOutRow>): FanOutRow => ({
  size: 'large',
  instances: 1,
  streams: 10_000,
  ratePerSecond: 50,
  opened: 10_000,
  refused: 0,
  openSeconds: 20,
  dropped: 0,
  posted: 500,
  postFailures: 0,
  expected: 1000,
  received: 1000,
  duplicates: 0,
  unexpected: 0,
  latencyMs: { p50: 5, p99: 40, max: 80 },
  rssBeforeMb: 150,
  rssOpenMb: 300,
  loadAverage: 1,
  ...result,
})

const missed = (result: Partial<FanOutRow>) =>
  judgeFanOut([row(result)])
    .filter((target) => !target.met)
    .map((target) => target.target)

test('a run that delivered everything fast, in 15 KB a stream, meets every target and fails nothing', () => {
  assert.equal(rssPerStreamKb(row({})), 15.36)
  assert.deepEqual(missed({}), [])
  assert.deepEqual(fanOutFailures([row({})]), [])
})

test('a lost event, a slow p99 and a heavy stream each miss their own target', () => {
  const where = 'fan-out 10000 streams large, one instance'
  assert.deepEqual(missed({ received: 999 }), [`${where}: no event lost`])
  assert.deepEqual(missed({ latencyMs: { p50: 5, p99: 100.5, max: 200 } }), [`${where}: push p99 ≤ 100 ms`])
  assert.deepEqual(missed({ rssOpenMb: 350 }), [`${where}: ≤ 20 KB of RSS per open stream`])
})

test('memory is judged at 10,000 streams, where the heap’s own swings are a small part of the difference', () => {
  assert.deepEqual(missed({ streams: 1000, opened: 1000, rssOpenMb: 180 }), [])
  assert.deepEqual(missed({ streams: 10_000, rssOpenMb: 360 }), [
    'fan-out 10000 streams large, one instance: ≤ 20 KB of RSS per open stream',
  ])
})

test('a run with nothing to judge misses rather than passes', () => {
  assert.deepEqual(missed({ opened: 0, posted: 0, expected: 0, received: 0, rssOpenMb: 150 }), [
    'fan-out 10000 streams large, one instance: no event lost',
    'fan-out 10000 streams large, one instance: push p99 ≤ 100 ms',
    'fan-out 10000 streams large, one instance: ≤ 20 KB of RSS per open stream',
  ])
})

test('refused or dropped streams, failed posts and lost, repeated or misdelivered events fail the run', () => {
  assert.deepEqual(
    fanOutFailures([
      row({
        instances: 2,
        refused: 2,
        sample: '/users/events answered 403',
        dropped: 1,
        postFailures: 3,
        postSample: '500 {}',
        received: 990,
        duplicates: 4,
        unexpected: 5,
      }),
    ]),
    [
      'fan-out 10000 streams large, two instances: 2 of 10000 streams refused (/users/events answered 403); ' +
        '1 streams dropped; 3 of 500 posts failed (500 {}); 10 of 1000 events lost; 4 events repeated; ' +
        '5 events delivered to a stream of neither party',
    ],
  )
  assert.deepEqual(fanOutFailures([row({ posted: 0, expected: 0, received: 0 })]), [
    'fan-out 10000 streams large, one instance: nothing posted',
  ])
})

test('every message goes to a seller dialog of a holding customer, and both its parties hold streams', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(SHAPES.small, SHAPES.large),
      fc.integer({ min: 1, max: 20_000 }),
      fc.nat(100_000),
      (shape, streams, n) => {
        const fixture = { shape, sessionSecret: 's' } as Fixture
        const holders = holdersOf(shape, streams)
        const holding = new Set(holders.map(holderKey))
        const message = messageOf(fixture, holders, n)
        const conversationId = Number(message.path.split('/')[3])
        assert.ok(!isStaffConversation(shape, conversationId))
        assert.equal(message.recipients[0], `customer:${customerOfConversation(shape, conversationId)}`)
        if (streams >= shape.sellers + 1)
          for (const recipient of message.recipients) assert.ok(holding.has(recipient), recipient)
      },
    ),
  )
})
