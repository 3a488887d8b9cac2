import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { ProbeAnswer, Probes } from './probes.ts'

const send = (reply: FastifyReply, answer: ProbeAnswer) =>
  reply
    .status(answer.status)
    .headers(answer.headers ?? {})
    .type(answer.contentType)
    .send(answer.body)

/**
 * The operator's probes on the public port: `/healthz` and `/readyz` always, `/metrics` only when a bearer
 * token guards it (METRICS_TOKEN); without one, metrics are served on METRICS_PORT alone.
 */
export const operationsRoutes: FastifyPluginAsync<{ probes: Probes; metricsOnThisPort: boolean }> = async (
  app,
  { probes, metricsOnThisPort },
) => {
  const hidden = { schema: { hide: true } }
  app.get('/healthz', hidden, async (_request, reply) => send(reply, await probes.healthz()))
  app.get('/readyz', hidden, async (_request, reply) => send(reply, await probes.readyz()))
  if (metricsOnThisPort) {
    app.get('/metrics', hidden, async (request, reply) =>
      send(reply, await probes.metrics(request.headers.authorization)),
    )
  }
}
