import type { Db } from '../../db/client.ts'
import { DomainError, FieldErrors, type FieldProblems, notFound } from '../errors.ts'
import { requireAdmin } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { DELIVERY_STATUSES, type DeliveryStatus, deliveryLogRepository } from './delivery-log-repository.ts'
import { checkEndpointInput, type EndpointInput } from './endpoint-fields.ts'
import { type EndpointRow, endpointsRepository } from './endpoints-repository.ts'
import { newSecret } from './signing.ts'

/** How long events are kept for replay; older ones go with their deliveries and attempts. */
export const EVENTS_KEPT_MS = 30 * 24 * 3_600_000

/** How long the secret a rotation replaces keeps signing beside the new one, as Svix does. */
export const ROTATION_WINDOW_MS = 24 * 3_600_000

/** An endpoint as the admin API shows it: never its secrets. */
export type EndpointView = Omit<EndpointRow, 'secret' | 'previousSecret'>

const viewOf = ({ secret: _secret, previousSecret: _previous, ...view }: EndpointRow): EndpointView => view

/** Admins manage their company's webhook endpoints; the secret is shown when it is made, and never again. */
export function createWebhooksService(deps: { db: Db; allowLoopback: boolean; wakeWebhooks: () => void }) {
  const { db, allowLoopback } = deps

  async function endpointOf(principal: Principal, id: number): Promise<EndpointRow> {
    requireAdmin(principal)
    const found = await endpointsRepository.find(db, principal.companyId, id)
    if (!found) throw notFound()
    return found
  }

  return {
    async list(principal: Principal, page: { offset: number; limit: number }) {
      requireAdmin(principal)
      const { rows, total } = await endpointsRepository.list(db, principal.companyId, page)
      return { endpoints: rows.map(viewOf), total }
    },

    async get(principal: Principal, id: number): Promise<EndpointView> {
      return viewOf(await endpointOf(principal, id))
    },

    async create(principal: Principal, input: EndpointInput, priorErrors: FieldProblems = {}) {
      requireAdmin(principal)
      checkEndpointInput(input, priorErrors, { complete: true, allowLoopback })
      const secret = newSecret()
      const row = await endpointsRepository.insert(
        db,
        principal.companyId,
        {
          url: input.url ?? '',
          events: [...new Set(input.events)],
          description: input.description ?? '',
          enabled: input.enabled ?? true,
        },
        secret,
      )
      return { endpoint: viewOf(row), secret }
    },

    async update(
      principal: Principal,
      id: number,
      input: EndpointInput,
      priorErrors: FieldProblems = {},
    ): Promise<EndpointView> {
      // Another company's endpoint is a 404 whatever the body, as DRF finds the object before reading it.
      await endpointOf(principal, id)
      checkEndpointInput(input, priorErrors, { complete: false, allowLoopback })
      const changes = Object.fromEntries(
        Object.entries({ ...input, events: input.events && [...new Set(input.events)] }).filter(
          ([, value]) => value !== undefined,
        ),
      )
      const row = await endpointsRepository.update(db, principal.companyId, id, changes)
      if (!row) throw notFound()
      // An endpoint enabled again delivers what waited for it.
      if (input.enabled) deps.wakeWebhooks()
      return viewOf(row)
    },

    async remove(principal: Principal, id: number) {
      requireAdmin(principal)
      if (!(await endpointsRepository.remove(db, principal.companyId, id))) throw notFound()
    },

    /** An endpoint's deliveries, newest first, with every attempt; `status` filters them. */
    async deliveries(
      principal: Principal,
      endpointId: number,
      status: string | undefined,
      page: { offset: number; limit: number },
    ) {
      await endpointOf(principal, endpointId)
      if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
        throw new DomainError(
          'validation',
          { code: 'invalid_input' },
          {
            status: [{ code: 'invalid_filter_choice', value: status }],
          },
        )
      }
      return deliveryLogRepository.page(db, endpointId, status as DeliveryStatus | undefined, page)
    },

    /** Sends a delivery again, whatever became of it, with a fresh schedule of attempts. */
    async resend(principal: Principal, deliveryId: number) {
      requireAdmin(principal)
      if (!(await deliveryLogRepository.resend(db, principal.companyId, deliveryId))) throw notFound()
      deps.wakeWebhooks()
      const delivery = await deliveryLogRepository.find(db, principal.companyId, deliveryId)
      if (!delivery) throw notFound()
      return delivery
    },

    /**
     * Delivers again every event of the company written from `since` to `until` that the endpoint subscribes
     * to, for a receiver that was down or lost what it had; each under its event's webhook-id.
     */
    async replay(
      principal: Principal,
      endpointId: number,
      range: { since?: Date; until?: Date },
      priorErrors: FieldProblems = {},
    ) {
      const endpoint = await endpointOf(principal, endpointId)
      const errors = new FieldErrors(priorErrors)
      if (range.since === undefined && !errors.has('since')) errors.add('since', { code: 'required' })
      if (range.until === undefined && !errors.has('until')) errors.add('until', { code: 'required' })
      if (range.since && range.until && range.since > range.until) {
        errors.add('until', { code: 'until_before_since' })
      }
      errors.throwIfAny()
      if (!range.since || !range.until) throw new Error('a replay without its range')
      const queued = await deliveryLogRepository.replay(db, endpoint, {
        since: range.since,
        until: range.until,
      })
      if (queued > 0) deps.wakeWebhooks()
      return queued
    },

    /** Queues a `webhook.test` event to this endpoint alone. */
    async sendTest(principal: Principal, endpointId: number) {
      await endpointOf(principal, endpointId)
      const deliveryId = await deliveryLogRepository.queueTest(db, principal.companyId, endpointId)
      deps.wakeWebhooks()
      const delivery = await deliveryLogRepository.find(db, principal.companyId, deliveryId)
      if (!delivery) throw notFound()
      return delivery
    },

    /** Drops the events older than EVENTS_KEPT_MS, with their deliveries (run hourly by the app). */
    purgeExpired: () => deliveryLogRepository.purgeBefore(db, new Date(Date.now() - EVENTS_KEPT_MS)),

    /** Deliveries waiting and the oldest one's age, for /metrics. */
    backlog: () => deliveryLogRepository.backlog(db),

    /** A new secret; the old one also signs for ROTATION_WINDOW_MS, so receivers can switch without a gap. */
    async rotateSecret(principal: Principal, id: number) {
      await endpointOf(principal, id)
      const secret = newSecret()
      const until = new Date(Date.now() + ROTATION_WINDOW_MS)
      const row = await endpointsRepository.rotate(db, principal.companyId, id, secret, until)
      if (!row) throw notFound()
      return { endpoint: viewOf(row), secret }
    },
  }
}

export type WebhooksService = ReturnType<typeof createWebhooksService>
