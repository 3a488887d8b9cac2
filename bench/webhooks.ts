/**
 * The benchmark's webhook phase: a receiver on loopback and an endpoint registered for it through the staff
 * API, so the vendor message run can be measured with an endpoint that answers at once and one that never
 * answers (issue 26: posting must not slow down behind a stalled receiver).
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ReceiverMode = 'prompt' | 'stalled'

/** Answers every delivery at once with 204, or keeps it waiting until closed; notes when each arrived. */
export async function startWebhookReceiver(mode: ReceiverMode) {
  const arrivals: number[] = []
  /** The Standard Webhooks id of each arrival, in order: a redelivery repeats one. */
  const ids: string[] = []
  const waiting = new Set<ServerResponse>()
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      arrivals.push(performance.now())
      ids.push(String(request.headers['webhook-id']))
      if (mode === 'prompt') response.writeHead(204).end()
      else waiting.add(response)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    arrivals,
    ids,
    async close() {
      for (const response of waiting) response.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>

/** Registers an endpoint for `message.created` as the company's admin; returns how to remove it. */
export async function registerEndpoint(parleyUrl: string, adminKey: string, receiverUrl: string) {
  const authorization = `Token ${adminKey}`
  const created = await fetch(`${parleyUrl}/api/webhook-endpoints/`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiverUrl, events: ['message.created'], description: 'bench' }),
  })
  if (created.status !== 201) throw new Error(`registering the endpoint answered ${created.status}`)
  const { id } = (await created.json()) as { id: number | string }
  return {
    async remove() {
      const removed = await fetch(`${parleyUrl}/api/webhook-endpoints/${id}/`, {
        method: 'DELETE',
        headers: { authorization },
      })
      if (removed.status !== 204) throw new Error(`removing the endpoint answered ${removed.status}`)
    },
  }
}

/** Has the floor deliver each message it writes to `receiverUrl` from now on; returns how to stop it. */
export async function registerFloorEndpoint(floorUrl: string, receiverUrl: string) {
  const put = (url?: string) =>
    fetch(`${floorUrl}/webhook-endpoint`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url }),
    })
  const registered = await put(receiverUrl)
  if (registered.status !== 204)
    throw new Error(`registering the floor's endpoint answered ${registered.status}`)
  return {
    async remove() {
      const removed = await put()
      if (removed.status !== 204) throw new Error(`removing the floor's endpoint answered ${removed.status}`)
    },
  }
}

/** How long the receiver may hear nothing before the wait for the rest gives up. */
const QUIET_MS = 3_000

/**
 * Waits until the receiver (one for each run) has had a delivery for each of `posted` messages (the
 * warm-up's included), or until none has arrived for QUIET_MS (bounded by `timeoutMs` after the run), and says
 * how fast they came, how many were redeliveries of one already had, and how many had not come when it stopped.
 */
export async function awaitWebhooks(
  receiver: WebhookReceiver,
  run: { posted: number; ended: number },
  timeoutMs: number,
) {
  const { posted, ended: runEnded } = run
  const deadline = runEnded + timeoutMs
  // Each message counts once, however often it was redelivered.
  const ids = new Set<string>()
  let read = 0
  const readArrivals = () => {
    for (; read < receiver.ids.length; read++) ids.add(receiver.ids[read] ?? '')
  }
  let seen = -1
  let quietSince = performance.now()
  let quiet = false
  for (readArrivals(); ids.size < posted && performance.now() < deadline; readArrivals()) {
    if (receiver.arrivals.length !== seen) {
      seen = receiver.arrivals.length
      quietSince = performance.now()
    } else if (performance.now() - quietSince > QUIET_MS) {
      quiet = true
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const times = receiver.arrivals
  const delivered = times.length
  const distinct = ids.size
  const spanSeconds = delivered > 1 ? ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000 : 0
  const rate = spanSeconds > 0 ? Math.round(delivered / spanSeconds) : delivered
  const lag = delivered > 0 ? Math.max(0, ((times.at(-1) ?? 0) - runEnded) / 1000) : 0
  const counted = `the receiver had ${distinct} distinct webhook deliveries (${delivered - distinct} redelivered) for ${posted} messages answered to the load generator (warm-up included; the posts it cut off at its end went in too), ${rate}/s, the last ${lag.toFixed(1)} s after the run`
  if (distinct >= posted) return counted
  // The worker delivers on after the wait ends: the report must not read as if it had finished.
  const why = quiet
    ? `none came for ${QUIET_MS / 1000} s`
    : `the wait ended ${timeoutMs / 1000} s after the run`
  return `${counted}; ${posted - distinct} not delivered yet when ${why}`
}
