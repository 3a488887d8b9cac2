import type { Db } from '../db/client.ts'
import { analyzeGrownTables, type UpkeepTurn, upkeepDueTables } from '../db/upkeep.ts'
import type { JobLog } from './job-log.ts'

/**
 * How often the embedded database's tables are looked at for growth, and how many looks make a full round.
 * A full round comes at autovacuum's default naptime, a minute: each vacuum or analyze holds the database's
 * one thread, a busy table's for a few hundred milliseconds, a round's up to two seconds at the benchmark's
 * large set (docs/operations.md, "Measurements"). A table that doubles meanwhile, as one filling from empty
 * does, is analyzed at the next look, before plans made on its old size cost more than the analyze.
 */
const LOOK_EVERY_MS = 10_000
const LOOKS_A_ROUND = 6

/**
 * Each statement of a look waits until no request has been answered for this long, so that it holds the
 * database's thread while no request needs it rather than in the middle of a busy moment; a look kept waiting
 * longer than `longestWaitMs` in all (an instance never quiet) runs its statements at once.
 */
const QUIET_MS = 250
const LONGEST_WAIT_MS = 30_000

export type EmbeddedUpkeepOptions = {
  /**
   * Resolves once no request has been answered for `quietMs`, or after `maxWaitMs` whatever the load: the
   * request gauge's `quiet` (surfaces/http/request-gauge.ts), which the outbox gives way to requests by too.
   */
  quiet: (quietMs: number, maxWaitMs: number) => Promise<void>
  /** How often a look is due (10 s). */
  everyMs?: number
  /** How long a look waits for quiet moments in all before it runs its statements at once (30 s). */
  longestWaitMs?: number
}

/**
 * Vacuums and analyzes the embedded database's tables as PostgreSQL's autovacuum would (see upkeep.ts), one
 * look at a time, the first full round a minute after the start, each statement in a quiet moment. Returns
 * the stop, which ends a look's wait and waits for a statement under way, so the database can close after it.
 */
export function startEmbeddedUpkeep(db: Db, log: JobLog, options: EmbeddedUpkeepOptions) {
  const { quiet, everyMs = LOOK_EVERY_MS, longestWaitMs = LONGEST_WAIT_MS } = options
  let look: Promise<unknown> | undefined
  let looks = 0
  const stopping = Promise.withResolvers<void>()
  let stopped = false

  /** A look's turns, which share its longest wait. */
  const turnsUntil =
    (deadline: number): UpkeepTurn =>
    async () => {
      const left = deadline - performance.now()
      if (!stopped && left > 0) await Promise.race([quiet(QUIET_MS, left), stopping.promise])
      return !stopped
    }

  const timer = setInterval(() => {
    if (look) return
    looks += 1
    const turn = turnsUntil(performance.now() + longestWaitMs)
    look = (looks % LOOKS_A_ROUND === 0 ? upkeepDueTables(db, turn) : analyzeGrownTables(db, turn))
      .catch((error) => log.warn({ err: error }, 'could not vacuum or analyze the embedded database'))
      .finally(() => {
        look = undefined
      })
  }, everyMs)
  timer.unref()
  return async () => {
    stopped = true
    stopping.resolve()
    clearInterval(timer)
    await look
  }
}
