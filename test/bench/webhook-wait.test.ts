import assert from 'node:assert/strict'
import { test } from 'node:test'
import { awaitWebhooks, startWebhookReceiver } from '../../bench/webhooks.ts'

/** Delivers webhooks with the given ids to the receiver, one after the other, as Parley's worker would. */
async function deliver(url: string, ids: string[]) {
  for (const id of ids) {
    const answer = await fetch(url, { method: 'POST', headers: { 'webhook-id': id }, body: '{}' })
    assert.equal(answer.status, 204)
  }
}

test('the wait for webhooks counts distinct deliveries and redeliveries, and says nothing is missing when all came', async (t) => {
  const receiver = await startWebhookReceiver('prompt')
  t.after(() => receiver.close())
  await deliver(receiver.url, ['msg_1', 'msg_2', 'msg_2', 'msg_3'])
  const note = await awaitWebhooks(receiver, { posted: 3, ended: performance.now() }, 1_000)
  assert.match(note, /^the receiver had 3 distinct webhook deliveries \(1 redelivered\) for 3 messages/)
  assert.doesNotMatch(note, /not delivered/)
})

test('a wait that ends before every message was delivered says how many are missing, and why it ended', async (t) => {
  const receiver = await startWebhookReceiver('prompt')
  t.after(() => receiver.close())
  await deliver(receiver.url, ['msg_1', 'msg_2'])
  const deadline = await awaitWebhooks(receiver, { posted: 5, ended: performance.now() }, 200)
  assert.match(deadline, /; 3 not delivered yet when the wait ended 0\.2 s after the run$/)
  // Given long enough, it stops once the receiver has heard nothing for a while.
  const quiet = await awaitWebhooks(receiver, { posted: 5, ended: performance.now() }, 60_000)
  assert.match(quiet, /; 3 not delivered yet when none came for 3 s$/)
})

test('redeliveries do not stand in for a message never delivered: the wait goes on for it', async (t) => {
  const receiver = await startWebhookReceiver('prompt')
  t.after(() => receiver.close())
  await deliver(receiver.url, ['msg_1', 'msg_1', 'msg_1'])
  const ended = performance.now()
  const note = await awaitWebhooks(receiver, { posted: 2, ended }, 300)
  assert.ok(performance.now() - ended >= 300, 'three arrivals for two messages ended the wait early')
  assert.match(note, /had 1 distinct webhook deliveries \(2 redelivered\) for 2 messages/)
  assert.match(note, /; 1 not delivered yet when the wait ended 0\.3 s after the run$/)
})
