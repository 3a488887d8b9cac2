import { sql } from 'drizzle-orm'
import type { Db } from './client.ts'
import { rowsOf } from './rows.ts'

/*
 * What PostgreSQL's autovacuum does for a server, done for the embedded database, which has none: PGlite is a
 * single backend inside Parley's process, with no background workers. Without it, a table's dead rows are
 * never reclaimed (its files and indexes only grow), and its planner statistics are never renewed, so a plan
 * PostgreSQL cached while a table was nearly empty (a prepared statement's, or a foreign key check's) stays a
 * sequential scan as the table grows. ANALYZE renews the statistics and, with them, every plan that read them.
 */

/** autovacuum's defaults: a table is due once this many rows, plus this share of its rows, have changed. */
const VACUUM_DEAD = { rows: 50, share: 0.2 }
const VACUUM_INSERTED = { rows: 1000, share: 0.2 }
const ANALYZE_CHANGED = { rows: 50, share: 0.1 }

/**
 * A table whose live rows have doubled since its statistics were taken (and number over this many): its plans
 * may be off by more than the growth, as a foreign key's check planned on a nearly empty table is.
 */
const GROWN_PAST_ROWS = 1000

type TableState = { name: string; vacuum: boolean; analyze: boolean; grown: boolean }

/** Each table, with whether it has passed autovacuum's thresholds or grown past its statistics. */
async function tableStates(db: Db): Promise<TableState[]> {
  // A table never analyzed counts -1 rows: none, for the thresholds.
  const rows = sql`greatest(c.reltuples, 0)`
  const result = await db.execute(sql`
    select format('%I.%I', s.schemaname, s.relname) as name,
      s.n_dead_tup > ${VACUUM_DEAD.rows} + ${VACUUM_DEAD.share} * ${rows}
        or s.n_ins_since_vacuum > ${VACUUM_INSERTED.rows} + ${VACUUM_INSERTED.share} * ${rows} as vacuum,
      s.n_mod_since_analyze > ${ANALYZE_CHANGED.rows} + ${ANALYZE_CHANGED.share} * ${rows} as analyze,
      s.n_live_tup > greatest(${GROWN_PAST_ROWS}, 2 * ${rows}) as grown
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid`)
  return rowsOf<TableState>(result)
}

/**
 * Awaited before each of upkeep's statements, each of which holds the embedded database's one thread: resolves
 * once the database may take the statement, to false if it may not (upkeep has stopped).
 */
export type UpkeepTurn = () => Promise<boolean>

const everyTurn: UpkeepTurn = async () => true

/**
 * Analyzes the tables that have doubled since their statistics were taken, and says which. Cheap where
 * nothing grew: a busy table of a steady size is left to the next full round.
 */
export async function analyzeGrownTables(db: Db, turn = everyTurn): Promise<string[]> {
  if (!(await turn())) return []
  const analyzed: string[] = []
  for (const table of await tableStates(db)) {
    if (!table.grown) continue
    if (!(await turn())) break
    await db.execute(sql`analyze ${sql.raw(table.name)}`)
    analyzed.push(table.name)
  }
  return analyzed
}

/**
 * Vacuums and analyzes the tables that are due, one statement each (VACUUM cannot share a transaction), and
 * says which. A table that is due for both is vacuumed with ANALYZE, as autovacuum does.
 */
export async function upkeepDueTables(
  db: Db,
  turn = everyTurn,
): Promise<{ vacuumed: string[]; analyzed: string[] }> {
  const vacuumed: string[] = []
  const analyzed: string[] = []
  if (!(await turn())) return { vacuumed, analyzed }
  for (const table of await tableStates(db)) {
    if (!table.vacuum && !table.analyze) continue
    if (!(await turn())) break
    const name = sql.raw(table.name)
    if (table.vacuum) {
      await db.execute(table.analyze ? sql`vacuum (analyze) ${name}` : sql`vacuum ${name}`)
      vacuumed.push(table.name)
    } else await db.execute(sql`analyze ${name}`)
    if (table.analyze) analyzed.push(table.name)
  }
  return { vacuumed, analyzed }
}
