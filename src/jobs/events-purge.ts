import type { EventsService } from '../domain/events/events-service.ts'
import type { JobLog } from './job-log.ts'

const HOUR_MS = 3_600_000

/**
 * Drops expired events every hour: they are kept only as long as a reconnecting stream may ask for them.
 * Returns the stop.
 */
export function startEventsPurge(events: EventsService, log: JobLog, everyMs = HOUR_MS) {
  const timer = setInterval(() => {
    events.purgeExpired().catch((error) => log.warn({ err: error }, 'could not purge old events'))
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
