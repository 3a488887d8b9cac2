import type { AddressInfo } from 'node:net'
import { http } from '../../infra/node-http.ts'
import type { ProbeAnswer, Probes } from './probes.ts'

/**
 * A listener of its own for `/metrics`, `/healthz` and `/readyz` (METRICS_PORT), so that scrapes and probes
 * can stay on a private network while the public port serves the surfaces.
 */
export async function startMetricsListener(probes: Probes, options: { port: number; host: string }) {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://probe').pathname
    const answer: Promise<ProbeAnswer> | undefined =
      request.method !== 'GET' && request.method !== 'HEAD'
        ? undefined
        : path === '/metrics'
          ? probes.metrics(request.headers.authorization)
          : path === '/healthz'
            ? probes.healthz()
            : path === '/readyz'
              ? probes.readyz()
              : undefined
    const reply =
      answer ??
      Promise.resolve({ status: 404, contentType: 'application/json', body: '{"detail":"Not found."}' })
    reply
      .catch(
        (): ProbeAnswer => ({
          status: 500,
          contentType: 'application/json',
          body: '{"detail":"Server error."}',
        }),
      )
      .then(({ status, contentType, body, headers }: ProbeAnswer) => {
        response.writeHead(status, { 'content-type': contentType, ...headers })
        response.end(request.method === 'HEAD' ? undefined : body)
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
