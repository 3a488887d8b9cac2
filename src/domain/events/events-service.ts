import type { Db } from '../../db/client.ts'
import { partiesOfUser } from '../policy/parties.ts'
import { requireStaff } from '../policy/staff.ts'
import type { Principal } from '../principal.ts'
import { eventsRepository } from './events-repository.ts'
import { partyKey } from './party.ts'
import { createSharedReads, type EventPage } from './shared-reads.ts'

/** How long events are kept for streams that reconnect with `Last-Event-ID`. */
export const EVENT_RETENTION_MS = 24 * 60 * 60 * 1000

export type EventFeed = {
  /** The keys a stream listens on (see partyKey), one per party the principal acts as. */
  keys: string[]
  since(afterId: number): Promise<EventPage>
  /** The newest event's id as the feed was made: where a stream that resumes from nothing starts. */
  latestId: number
}

/**
 * How many events a stream reads at a time. A stream re-reads the last 1,000 ids it has passed (see
 * serveEventStream), and one party's events (a shop's only seller's), or a whole company's, can fill them
 * all: a page must hold those and new ones beyond, or the stream would read the same page again and again.
 */
const PAGE = 2000

export function createEventsService(db: Db) {
  const readShared = createSharedReads()
  return {
    /** The realtime feed of everything addressed to the principal: as a customer and as each seller it acts for. */
    async feedOf(principal: Principal): Promise<EventFeed> {
      const start = await eventsRepository.streamStartOf(db, principal.userId)
      const parties = partiesOfUser(principal, start.sellerIds)
      const keys = parties.map(partyKey)
      const feedKey = [...keys].sort().join(' ')
      return {
        keys,
        since: (afterId) =>
          readShared(feedKey, afterId, PAGE, (from, limit) =>
            eventsRepository.since(db, parties, from, limit),
          ),
        latestId: start.latestId,
      }
    },

    /**
     * The company's feed for its staff: the inbox's own events, and every conversation's messages, updates
     * and read receipts (see eventsRepository.staffSince). Woken by every event (`everyEventKey`): a staff
     * stream cannot list the parties of its company, and the few staff streams read cheaply by id.
     */
    async staffFeedOf(principal: Principal, everyEventKey: string): Promise<EventFeed> {
      requireStaff(principal)
      return {
        keys: [everyEventKey],
        since: (afterId) =>
          readShared(`staff ${principal.companyId}`, afterId, PAGE, (from, limit) =>
            eventsRepository.staffSince(db, principal.companyId, from, limit),
          ),
        latestId: await eventsRepository.latestId(db),
      }
    },

    async purgeExpired() {
      await eventsRepository.purgeBefore(db, new Date(Date.now() - EVENT_RETENTION_MS))
    },
  }
}

export type EventsService = ReturnType<typeof createEventsService>
