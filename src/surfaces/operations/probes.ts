import { createHash, timingSafeEqual } from 'node:crypto'
import type { Metrics } from './metrics.ts'
import type { ReadinessCheck } from './readiness.ts'

/** An answer to an operator's probe or scrape, for whichever listener serves it. */
export type ProbeAnswer = {
  status: number
  contentType: string
  body: string
  headers?: Record<string, string>
}

const json = (status: number, value: unknown): ProbeAnswer => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
})

const digest = (text: string) => createHash('sha256').update(text).digest()

/** `Authorization: Bearer <token>` naming `token`, compared in constant time. */
function bearerMatches(authorization: string | undefined, token: string) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token))
}

/**
 * `/healthz` (liveness: the process answers, whatever its database does), `/readyz` (readiness, see
 * createReadiness) and `/metrics` (behind the bearer token when one is set).
 */
export function createProbes(options: {
  readiness: ReadinessCheck
  metrics: Metrics
  metricsToken: string | undefined
}) {
  const { readiness, metrics, metricsToken } = options
  return {
    healthz: async (): Promise<ProbeAnswer> => json(200, { status: 'ok' }),
    async readyz(): Promise<ProbeAnswer> {
      const state = await readiness()
      return json(state.status === 'ok' ? 200 : 503, state)
    },
    async metrics(authorization: string | undefined): Promise<ProbeAnswer> {
      if (metricsToken !== undefined && !bearerMatches(authorization, metricsToken)) {
        return {
          ...json(401, { detail: 'A valid bearer token is required.' }),
          headers: { 'www-authenticate': 'Bearer' },
        }
      }
      return { status: 200, contentType: metrics.contentType, body: await metrics.scrape() }
    },
  }
}

export type Probes = ReturnType<typeof createProbes>
