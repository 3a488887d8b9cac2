import { setTimeout as sleep } from 'node:timers/promises'
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
 * Each statement of a look waits for the database to have been without work this long, so that it holds
 * the thread while no request needs it rather than in the middle of a busy moment; a look kept waiting
 * longer than `longestWaitMs` in all (a database never quiet) runs its statements at once.
 */
const QUIET_MS = 250
const LONGEST_WAIT_MS = 30_000
const CHECK_QUIET_EVERY_MS = 50

export type EmbeddedUpkeepOptions = {
  /** How long the database has had no statement to run, in milliseconds (0 while it runs one). */
  quietForMs: () => number
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
  const { quietForMs, everyMs = LOOK_EVERY_MS, longestWaitMs = LONGEST_WAIT_MS } = options
  let look: Promise<unknown> | undefined
  let looks = 0
  let stopped = false

  /** A look's turns, which share its longest wait. */
  const turnsUntil =
    (deadline: number): UpkeepTurn =>
    async () => {
      while (!stopped && quietForMs() < QUIET_MS && performance.now() < deadline) {
        await sleep(CHECK_QUIET_EVERY_MS, undefined, { ref: false })
      }
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
    clearInterval(timer)
    await look
  }
}
