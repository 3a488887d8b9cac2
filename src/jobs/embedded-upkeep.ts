import type { Db } from '../db/client.ts'
import { upkeepDueTables } from '../db/upkeep.ts'
import type { JobLog } from './job-log.ts'

/**
 * How often the embedded database's tables are looked at: autovacuum's default naptime. A busy table passes
 * its thresholds within seconds, but each vacuum or analyze holds the database's one thread, a busy table's
 * for a few hundred milliseconds, so rounds come no oftener than a server's (docs/operations.md,
 * "Measurements").
 */
const EVERY_MS = 60_000

/**
 * Vacuums and analyzes the embedded database's tables as PostgreSQL's autovacuum would (see upkeep.ts), one
 * round at a time. Returns the stop, which waits for a round under way so the database can close after it.
 */
export function startEmbeddedUpkeep(db: Db, log: JobLog, everyMs = EVERY_MS) {
  let round: Promise<void> | undefined
  const timer = setInterval(() => {
    round ??= upkeepDueTables(db)
      .then(() => undefined)
      .catch((error) => log.warn({ err: error }, 'could not vacuum or analyze the embedded database'))
      .finally(() => {
        round = undefined
      })
  }, everyMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await round
  }
}
