import { createServer, request as forward, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** Which instance answered, on every response that went through the proxy. */
export const UPSTREAM_HEADER = 'x-upstream'

/**
 * A load balancer on loopback, as small as one can be: each request goes to the next instance in turn,
 * with `X-Forwarded-For`/`-Proto`/`-Host` added as nginx's usual settings add them, and responses streamed
 * back as they come (event streams included). A request whose instance refuses the connection goes to the
 * next one (nginx's `proxy_next_upstream error`); one cut off after it was sent is a 502.
 */
export async function startRoundRobinProxy(upstreams: { name: string; url: string }[]) {
  let next = 0

  async function bodyOf(request: IncomingMessage) {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }

  const server = createServer(async (request, response) => {
    const body = await bodyOf(request)
    const peer = request.socket.remoteAddress ?? ''
    const forwardedFor = request.headers['x-forwarded-for']
    const headers = {
      ...request.headers,
      'x-forwarded-for': forwardedFor ? `${forwardedFor}, ${peer}` : peer,
      'x-forwarded-proto': 'http',
      'x-forwarded-host': request.headers.host ?? '',
    }
    const attempt = (tries: number) => {
      const upstream = upstreams[next++ % upstreams.length]
      if (!upstream) throw new Error('no upstreams')
      const outgoing = forward(
        `${upstream.url}${request.url}`,
        { method: request.method, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, {
            ...answer.headers,
            [UPSTREAM_HEADER]: upstream.name,
          })
          response.flushHeaders()
          answer.pipe(response)
          answer.on('error', () => response.destroy())
        },
      )
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED' && tries < upstreams.length) attempt(tries + 1)
        else if (!response.headersSent) response.writeHead(502).end()
        else response.destroy()
      })
      response.on('close', () => outgoing.destroy())
      outgoing.end(body)
    }
    attempt(1)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
