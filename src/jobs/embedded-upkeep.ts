import type { Db } from '../db/client.ts'
import { analyzeGrownTables, upkeepDueTables } from '../db/upkeep.ts'
import type { JobLog } from './job-log.ts'

/**
 * How often the embedded database's tables are looked at for growth, and how many looks make a full round.
 * A full round comes at autovacuum's default naptime, a minute: each vacuum or analyze holds the database's
 * one thread, a busy table's for a few hundred milliseconds (docs/operations.md, "Measurements"). A table
 * that doubles meanwhile, as one filling from empty does, is analyzed at the next look, before plans made on
 * its old size cost more than the analyze.
 */
const LOOK_EVERY_MS = 10_000
const LOOKS_A_ROUND = 6

/**
 * Vacuums and analyzes the embedded database's tables as PostgreSQL's autovacuum would (see upkeep.ts), one
 * look at a time, the first full round a minute after the start. Returns the stop, which waits for a look
 * under way so the database can close after it.
 */
export function startEmbeddedUpkeep(db: Db, log: JobLog, everyMs = LOOK_EVERY_MS) {
  let look: Promise<unknown> | undefined
  let looks = 0
  const timer = setInterval(() => {
    if (look) return
    looks += 1
    look = (looks % LOOKS_A_ROUND === 0 ? upkeepDueTables(db) : analyzeGrownTables(db))
      .catch((error) => log.warn({ err: error }, 'could not vacuum or analyze the embedded database'))
      .finally(() => {
        look = undefined
      })
  }, everyMs)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await look
  }
}
