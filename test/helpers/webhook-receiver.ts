import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReceivedWebhook = { headers: http.IncomingHttpHeaders; body: string; path: string }

/**
 * How the receiver answers one request: a status, after a delay or once `until` resolves (a receiver that has
 * not answered yet, for as long as the test wants), with extra headers.
 */
export type Answer = {
  status: number
  delayMs?: number
  until?: Promise<void>
  body?: string
  headers?: Record<string, string>
}

/**
 * A real HTTP receiver on loopback that records every request and answers as told: `answer` decides per
 * request (default 200 at once).
 */
export async function startWebhookReceiver(
  answer: (request: ReceivedWebhook) => Answer = () => ({ status: 200 }),
) {
  const received: ReceivedWebhook[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  let respond = answer
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const webhook = {
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      path: request.url ?? '',
    }
    received.push(webhook)
    for (const waiter of [...waiters]) {
      if (received.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
    const { status, delayMs, until, body, headers } = respond(webhook)
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs))
    await until
    if (response.destroyed) return
    response.writeHead(status, headers).end(body ?? '')
  })
  let connections = 0
  server.on('connection', () => {
    connections++
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    /** How many connections the senders have opened to it. */
    connections: () => connections,
    /** Changes how later requests are answered. */
    answerWith(next: (request: ReceivedWebhook) => Answer) {
      respond = next
    },
    /** Resolves once `count` requests have arrived in all; fails after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 10_000) {
      if (received.length >= count) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${received.length} of ${count} webhooks arrived within ${timeoutMs} ms`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    async close() {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>
