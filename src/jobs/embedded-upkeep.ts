import type { Db } from '../db/client.ts'
import { analyzeGrownTables, type UpkeepTurn, upkeepDueTables } from '../db/upkeep.ts'
import type { JobLog } from './job-log.ts'

/**
 * How often the embedded database's tables are looked at for growth, and how many looks make a full round.
 * A full round comes at autovacuum's default naptime, a minute: each vacuum or analyze holds the database's
 * one thread, a busy table's for a few hundred milliseconds, a round's up to two seconds at the benchmark's
 * large set (docs/operations.md, "Measurements"). A table that doubles meanwhile, as one filling from empty
 * does, is analyzed at the next look, before plans made on its old size cost more than the analyze: a look
 * reads only the tables' counters, so it comes often.
 */
const LOOK_EVERY_MS = 2_000
const LOOKS_A_ROUND = 30

/**
 * Each statement of a full round waits until no request has been answered for this long, so that it holds the
 * database's thread while no request needs it rather than in the middle of a busy moment; a round kept waiting
 * longer than `longestWaitMs` in all (an instance never quiet) runs its statements at once. A grown table's
 * analyze does not wait: the plans it renews are what slows a busy instance.
 */
const QUIET_MS = 250
const LONGEST_WAIT_MS = 30_000

export type EmbeddedUpkeepOptions = {
  /**
   * Resolves once no request has been answered for `quietMs`, or after `maxWaitMs` whatever the load: the
   * request gauge's `quiet` (surfaces/http/request-gauge.ts), which the outbox gives way to requests by too.
   */
  quiet: (quietMs: number, maxWaitMs: number) => Promise<void>
  /** How often a look is due (2 s). */
  everyMs?: number
  /** How long a full round waits for quiet moments in all before it runs its statements at once (30 s). */
  longestWaitMs?: number
}

/**
 * Vacuums and analyzes the embedded database's tables as PostgreSQL's autovacuum would (see upkeep.ts): grown
 * tables analyzed at each look, and a full round a minute, the first a minute after the start, each of its
 * statements in a quiet moment. Returns the stop, which ends a round's wait and waits for the statements under
 * way, so the database can close after them.
 */
export function startEmbeddedUpkeep(db: Db, log: JobLog, options: EmbeddedUpkeepOptions) {
  const { quiet, everyMs = LOOK_EVERY_MS, longestWaitMs = LONGEST_WAIT_MS } = options
  let round: Promise<unknown> | undefined
  let look: Promise<unknown> | undefined
  let looks = 0
  const stopping = Promise.withResolvers<void>()
  let stopped = false

  /** A full round's turns, which share its longest wait. */
  const turnsUntil =
    (deadline: number): UpkeepTurn =>
    async () => {
      const left = deadline - performance.now()
      if (!stopped && left > 0) await Promise.race([quiet(QUIET_MS, left), stopping.promise])
      return !stopped
    }

  /** `work` with its failure logged, calling `done` once it has ended either way. */
  const settled = (work: Promise<unknown>, done: () => void) =>
    work
      .catch((error) => log.warn({ err: error }, 'could not vacuum or analyze the embedded database'))
      .finally(done)

  // A round waiting for quiet moments does not hold back the looks meanwhile.
  const timer = setInterval(() => {
    looks += 1
    if (looks % LOOKS_A_ROUND === 0) {
      round ??= settled(upkeepDueTables(db, turnsUntil(performance.now() + longestWaitMs)), () => {
        round = undefined
      })
    } else {
      look ??= settled(
        analyzeGrownTables(db, async () => !stopped),
        () => {
          look = undefined
        },
      )
    }
  }, everyMs)
  timer.unref()
  return async () => {
    stopped = true
    stopping.resolve()
    clearInterval(timer)
    await Promise.all([round, look])
  }
}
