import assert from 'node:assert/strict'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import { addressRefusal } from '../../src/infra/webhooks/address-policy.ts'
import { keptConnections, RefusedDestination, safePost } from '../../src/infra/webhooks/safe-post.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

let receiver: WebhookReceiver
before(async () => {
  receiver = await startWebhookReceiver()
})
after(() => receiver.close())

const strict = { allowLoopback: false }
const loose = { allowLoopback: true }
const post = (url: string, policy: Parameters<typeof safePost>[3]) => safePost(url, {}, '{}', policy)

test('loopback, private, link-local and metadata addresses are refused, IPv6 and mapped forms too', async () => {
  const refused = [
    'http://127.0.0.1/',
    'http://127.1.2.3:8080/',
    'https://10.0.0.1/',
    'https://10.255.1.1/',
    'https://172.16.0.1/',
    'https://192.168.1.1/',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.100.100.200/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://[::1]/',
    'https://[::]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:7f00:1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[::ffff:169.254.169.254]/',
    'https://[::127.0.0.1]/',
    'https://[fe80::1]/',
    'https://[fd00:ec2::254]/',
    'https://[fc00::1]/',
    'https://[ff02::1]/',
  ]
  for (const url of refused) {
    await assert.rejects(post(url, strict), RefusedDestination, url)
  }
  assert.equal(receiver.received.length, 0)
})

test('a host name that resolves to a refused address is refused, whatever else it resolves to', async () => {
  // `localhost` as the system resolves it.
  await assert.rejects(post(`http://localhost:${receiver.port}/`, strict), RefusedDestination)
  // A resolver answering as a name pointing inside the network would (the machine has no such name).
  const inside = async () => [{ address: '10.1.2.3', family: 4 }]
  await assert.rejects(
    post('https://crm.example.com/', { ...strict, resolve: inside }),
    /10\.1\.2\.3 is a private/,
  )
  const mixed = async () => [
    { address: '93.184.216.34', family: 4 },
    { address: '192.168.0.10', family: 4 },
  ]
  await assert.rejects(post('https://crm.example.com/', { ...strict, resolve: mixed }), RefusedDestination)
  assert.equal(receiver.received.length, 0)
})

test('the connection goes to the address that was checked, not to a second answer of the resolver', async () => {
  let lookups = 0
  // The first answer passes the check; a rebinding resolver would answer differently the second time.
  const rebinding = async () => {
    lookups++
    return [{ address: lookups === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }]
  }
  const before = receiver.received.length
  const answer = await post(`http://rebind.test:${receiver.port}/hooks`, { ...loose, resolve: rebinding })
  assert.equal(answer.statusCode, 200)
  assert.equal(lookups, 1)
  assert.equal(receiver.received.length, before + 1)
  assert.equal(receiver.received[before]?.headers.host, `rebind.test:${receiver.port}`)
})

test('with loopback allowed, loopback receives and private addresses stay refused', async () => {
  const answer = await post(receiver.url, loose)
  assert.equal(answer.statusCode, 200)
  for (const url of ['https://10.0.0.1/', 'https://169.254.169.254/', 'https://[::ffff:192.168.1.1]/']) {
    await assert.rejects(post(url, loose), RefusedDestination, url)
  }
})

test('a redirect is not followed: the 3xx is the answer, and its target gets nothing', async () => {
  const target = await startWebhookReceiver()
  const redirecting = await startWebhookReceiver(() => ({ status: 302, headers: { location: target.url } }))
  try {
    const answer = await post(redirecting.url, loose)
    assert.equal(answer.statusCode, 302)
    const toMetadata = await startWebhookReceiver(() => ({
      status: 307,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
    }))
    assert.equal((await post(toMetadata.url, loose)).statusCode, 307)
    await toMetadata.close()
    assert.equal(target.received.length, 0)
  } finally {
    await target.close()
    await redirecting.close()
  }
})

test('a receiver that does not answer in time, or answers without end, is cut off', async () => {
  // A receiver that never answers: only the time limit can end the post.
  const slow = await startWebhookReceiver(() => ({ status: 200, until: new Promise<void>(() => {}) }))
  try {
    await assert.rejects(post(slow.url, { ...loose, totalTimeoutMs: 300 }), /no answer within 300 ms/)
  } finally {
    await slow.close()
  }
  const huge = await startWebhookReceiver(() => ({ status: 500, body: 'x'.repeat(1_000_000) }))
  try {
    const answer = await post(huge.url, { ...loose, maxBodyBytes: 1024 })
    assert.equal(answer.statusCode, 500)
    assert.equal(answer.body.length, 1024)
  } finally {
    await huge.close()
  }
})

test('kept connections carry posts to one receiver one after another over a single connection', async () => {
  const kept = await startWebhookReceiver()
  const connections = keptConnections()
  try {
    for (let n = 0; n < 5; n++) {
      const answer = await post(kept.url, { ...loose, connections })
      assert.equal(answer.statusCode, 200)
    }
    assert.equal(kept.received.length, 5)
    assert.equal(kept.connections(), 1)
    // Without them, each post has a connection of its own.
    await post(kept.url, loose)
    assert.equal(kept.connections(), 2)
  } finally {
    connections.close()
    await kept.close()
  }
})

test('a kept connection the receiver dropped is replaced, and the post is answered over a new one', async () => {
  // A receiver that resets a connection at its second request, as one whose idle timeout ran out would.
  const served = new WeakSet<object>()
  let requests = 0
  const dropping = http.createServer((request, response) => {
    requests++
    request.resume()
    if (served.has(request.socket)) {
      request.socket.resetAndDestroy()
      return
    }
    served.add(request.socket)
    request.on('end', () => response.end('ok'))
  })
  dropping.listen(0, '127.0.0.1')
  await once(dropping, 'listening')
  const url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/hooks`
  const connections = keptConnections()
  try {
    assert.equal((await post(url, { ...loose, connections })).statusCode, 200)
    const again = await post(url, { ...loose, connections })
    assert.deepEqual(again, { statusCode: 200, body: 'ok' })
    assert.equal(requests, 3)
  } finally {
    connections.close()
    dropping.closeAllConnections()
    dropping.close()
  }
})

test('generated addresses: every IPv4 address is judged the same written plainly or IPv4-mapped', () => {
  fc.assert(
    fc.property(fc.ipV4(), fc.boolean(), (address, allowLoopback) => {
      const mapped = `::ffff:${address}`
      assert.equal(
        addressRefusal(mapped, allowLoopback) === undefined,
        addressRefusal(address, allowLoopback) === undefined,
      )
    }),
  )
})
