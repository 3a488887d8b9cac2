import type { FastifyServerOptions } from 'fastify'
import type { TrustProxy } from '../../config.ts'

/**
 * TRUST_PROXY as Fastify's `trustProxy` option. Fastify takes a hop count as a number too, though its types
 * do not say so; spelled out here as the same test it makes (the nearest `hops` addresses are proxies).
 */
export function trustProxyOption(trust: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (typeof trust !== 'number') return trust
  return (_address: string, hop: number) => hop < trust
}
