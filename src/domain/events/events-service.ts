import type { Db } from '../../db/client.ts'
import { membershipsRepository } from '../accounts/memberships-repository.ts'
import { partiesOfUser } from '../policy/parties.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { eventsRepository, type StoredEvent } from './events-repository.ts'
import { partyKey } from './party.ts'

/** How long events are kept for streams that reconnect with `Last-Event-ID`. */
export const EVENT_RETENTION_MS = 24 * 60 * 60 * 1000

export type EventFeed = {
  /** The keys a stream listens on (see partyKey), one per party the principal acts as. */
  keys: string[]
  since(afterId: number): Promise<StoredEvent[]>
  latestId(): Promise<number>
}

/**
 * How many events a staff stream reads at a time. A stream re-reads the last 1,000 ids it has passed (see
 * serveEventStream), and a whole company's events can fill them all: a page must hold those and new ones
 * beyond, or the new ones would never be read.
 */
const STAFF_PAGE = 2000

export function createEventsService(db: Db) {
  return {
    /** The realtime feed of everything addressed to the principal: as a customer and as each seller it acts for. */
    async feedOf(principal: Principal): Promise<EventFeed> {
      const parties = partiesOfUser(principal, await membershipsRepository.sellerIdsOf(db, principal.userId))
      return {
        keys: parties.map(partyKey),
        since: (afterId) => eventsRepository.since(db, parties, afterId, 500),
        latestId: () => eventsRepository.latestId(db),
      }
    },

    /**
     * The company's feed for its staff: the inbox's own events, and every conversation's messages, updates
     * and read receipts (see eventsRepository.staffSince). Woken by every event (`everyEventKey`): a staff
     * stream cannot list the parties of its company, and the few staff streams read cheaply by id.
     */
    staffFeedOf(principal: Principal, everyEventKey: string): EventFeed {
      requireStaff(principal)
      return {
        keys: [everyEventKey],
        since: (afterId) => eventsRepository.staffSince(db, principal.companyId, afterId, STAFF_PAGE),
        latestId: () => eventsRepository.latestId(db),
      }
    },

    async purgeExpired() {
      await eventsRepository.purgeBefore(db, new Date(Date.now() - EVENT_RETENTION_MS))
    },
  }
}

export type EventsService = ReturnType<typeof createEventsService>
