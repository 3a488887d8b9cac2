import { lookup as dnsLookup } from 'node:dns/promises'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { addressRefusal } from './address-policy.ts'

export type PostPolicy = {
  allowLoopback: boolean
  connectTimeoutMs?: number
  totalTimeoutMs?: number
  /** How much of the answer's body is read; the rest is dropped with the connection. */
  maxBodyBytes?: number
  /** Resolves a host name to its addresses (default: the system's resolver, as `dns.lookup` sees it). */
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>
}

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
 * of the answer are read.
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
  const maxBodyBytes = policy.maxBodyBytes ?? 64 * 1024
  const client = target.protocol === 'https:' ? https : http
  return new Promise<PostAnswer>((resolve, reject) => {
    const request = client.request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: pinned,
      agent: false,
    })
    const fail = (error: Error) => {
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
