import { lookup as dnsLookup } from 'node:dns/promises'
import type { Agent } from 'node:http'
import { isIP, type LookupFunction } from 'node:net'
import { http, https } from '../node-http.ts'
import { addressRefusal } from './address-policy.ts'

export type PostPolicy = {
  allowLoopback: boolean
  connectTimeoutMs?: number
  totalTimeoutMs?: number
  /** How much of the answer's body is read; the rest is dropped with the connection. */
  maxBodyBytes?: number
  /** Resolves a host name to its addresses (default: the system's resolver, as `dns.lookup` sees it). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>
  /** Connections kept open between posts (see keptConnections); without them, each post connects anew. */
  connections?: KeptConnections
}

/** How long a kept connection may sit unused, below the 5 s after which Node's and most servers close theirs. */
const IDLE_CONNECTION_MS = 4_000

/**
 * Connections kept open between posts to the same host and port, as a browser keeps them: a receiver taking a
 * delivery after another costs no new connection each time, nor for HTTPS a new handshake. Each connection
 * was made to an address checked when it was opened. `close` ends them all.
 */
export function keptConnections() {
  const options = { keepAlive: true, timeout: IDLE_CONNECTION_MS }
  const agents = { 'http:': new http.Agent(options), 'https:': new https.Agent(options) }
  return {
    agentFor: (target: URL) => agents[target.protocol === 'https:' ? 'https:' : 'http:'],
    close() {
      agents['http:'].destroy()
      agents['https:'].destroy()
    },
  }
}

export type KeptConnections = ReturnType<typeof keptConnections>

export type PostAnswer = { statusCode: number; body: string }

/** A delivery Parley will not make: the URL or its address is not one a webhook may reach. */
export class RefusedDestination extends Error {}

const resolveAll = (host: string) => dnsLookup(host, { all: true, verbatim: true })

/**
 * POSTs `body` to `url` without letting the URL reach inside the network (SSRF): the host is resolved once,
 * every address it resolves to must be allowed (see addressRefusal), and the connection is made to the
 * address that was checked, so a DNS answer that changes between the check and the connect (rebinding) goes
 * nowhere. Redirects are not followed: a 3xx is an answer like any other. Connecting may take
 * `connectTimeoutMs` (5 s) and the whole exchange `totalTimeoutMs` (15 s); at most `maxBodyBytes` (64 KiB)
 * of the answer are read. With `connections`, a post may go over a connection kept from an earlier one to the
 * same host and port; one the receiver closed meanwhile fails before any answer, and the post goes once more
 * over a new connection.
 */
export async function safePost(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: PostPolicy,
): Promise<PostAnswer> {
  const target = new URL(url)
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new RefusedDestination(`${target.protocol} URLs are not delivered to`)
  }
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1')
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await (policy.resolve ?? resolveAll)(host)
  const chosen = addresses[0]
  if (!chosen) throw new RefusedDestination(`${host} has no address`)
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, policy.allowLoopback)
    if (refusal) throw new RefusedDestination(refusal)
  }
  // Whatever the connection asks the resolver, it gets the address checked above.
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [chosen])
    else callback(null, chosen.address, chosen.family)
  }
  const exchange = { target, headers, body, pinned, policy }
  try {
    return await postOnce(exchange, policy.connections?.agentFor(target) ?? false)
  } catch (error) {
    // Only a post written on a kept connection fails so.
    if (!(error instanceof ClosedKeptConnection)) throw error
    return postOnce(exchange, false)
  }
}

/** A kept connection that had been closed by the receiver when the post was written on it. */
class ClosedKeptConnection extends Error {}

type Exchange = {
  target: URL
  headers: Record<string, string>
  body: string
  pinned: LookupFunction
  policy: PostPolicy
}

/** One POST over `agent`'s connections, or (false) a connection of its own. */
function postOnce({ target, headers, body, pinned, policy }: Exchange, agent: Agent | false) {
  const maxBodyBytes = policy.maxBodyBytes ?? 64 * 1024
  const client = target.protocol === 'https:' ? https : http
  return new Promise<PostAnswer>((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent,
    })
    let answered = false
    const fail = (caught: Error) => {
      const code = (caught as NodeJS.ErrnoException).code
      // Only before an answer: a post the receiver began to answer may have been taken, and is not sent again.
      const closedUnderUs = !answered && request.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')
      const error = closedUnderUs ? new ClosedKeptConnection(caught.message) : caught
      clearTimeout(total)
      clearTimeout(connect)
      request.destroy(error)
      reject(error)
    }
    const total = setTimeout(
      () => fail(new Error(`no answer within ${policy.totalTimeoutMs ?? 15_000} ms`)),
      policy.totalTimeoutMs ?? 15_000,
    )
    const connect = setTimeout(
      () => fail(new Error(`could not connect within ${policy.connectTimeoutMs ?? 5_000} ms`)),
      policy.connectTimeoutMs ?? 5_000,
    )
    request.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connect)
      else socket.once('connect', () => clearTimeout(connect))
    })
    request.on('error', fail)
    request.on('response', (response) => {
      answered = true
      const chunks: Buffer[] = []
      let size = 0
      const finish = () => {
        clearTimeout(total)
        clearTimeout(connect)
        resolve({
          statusCode: response.statusCode ?? 0,
          body: Buffer.concat(chunks).subarray(0, maxBodyBytes).toString('utf8'),
        })
      }
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk)
        size += chunk.length
        if (size >= maxBodyBytes) {
          // Enough read: the rest of a huge or endless answer is not waited for.
          response.removeAllListeners('data')
          request.destroy()
          finish()
        }
      })
      response.on('end', finish)
      response.on('error', fail)
    })
    request.end(body)
  })
}
