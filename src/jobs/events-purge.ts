import type { EventsService } from '../domain/events/events-service.ts'
import type { JobLog } from './job-log.ts'

const HOUR_MS = 3_600_000

/** Runs `purge` every hour, logging a failure as `could not purge <what>`. Returns the stop. */
export function startHourlyPurge(
  what: string,
  purge: () => Promise<unknown>,
  log: JobLog,
  everyMs = HOUR_MS,
) {
  const timer = setInterval(() => {
    purge().catch((error) => log.warn({ err: error }, `could not purge ${what}`))
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}

/**
 * Drops expired events every hour: they are kept only as long as a reconnecting stream may ask for them.
 * Returns the stop.
 */
export const startEventsPurge = (events: EventsService, log: JobLog, everyMs = HOUR_MS) =>
  startHourlyPurge('old events', () => events.purgeExpired(), log, everyMs)
