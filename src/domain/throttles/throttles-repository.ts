import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { rowsOf } from '../../db/rows.ts'

export type ThrottleHits = { key: string; hits: number; retryAfterMs: number }

const keyList = (keys: string[]) => sql`json_array_elements_text(${JSON.stringify(keys)}::json)`

export const throttlesRepository = {
  /**
   * Counts `hits` on each key in one statement, starting a new window of `windowMs` for a key whose window
   * has passed, and returns each key's hits in its window (these included) and how long that window has to
   * run. Keys are taken in order, so two statements counting the same keys never wait on each other in a
   * circle.
   */
  async hit(db: Db, counts: { key: string; hits: number }[], windowMs: number): Promise<ThrottleHits[]> {
    const window = sql`${windowMs} * interval '1 millisecond'`
    const result = await db.execute(sql`
      insert into throttles as t (key, window_started_at, hits)
      select k.key, now(), k.hits from json_to_recordset(${JSON.stringify(counts)}::json) as k(key text, hits int)
      order by k.key
      on conflict (key) do update set
        hits = case when t.window_started_at <= now() - ${window} then excluded.hits
          else t.hits + excluded.hits end,
        window_started_at = case when t.window_started_at <= now() - ${window} then now()
          else t.window_started_at end
      returning t.key, t.hits,
        -- A window another transaction started after this one began looks a moment longer than it is.
        least(greatest(extract(epoch from t.window_started_at + ${window} - now()), 0)::float8 * 1000,
          ${windowMs}) as "retryAfterMs"`)
    return rowsOf<ThrottleHits>(result).map((row) => ({ ...row, retryAfterMs: Number(row.retryAfterMs) }))
  },

  /** Takes back a hit on each key (a login that succeeded was no guess). */
  async unhit(db: Db, keys: string[]) {
    await db.execute(sql`
      update throttles set hits = greatest(hits - 1, 0) where key in (select * from ${keyList(keys)})`)
  },

  /** Forgets the counts whose window started more than `olderThanMs` ago. */
  async purge(db: Db, olderThanMs: number) {
    await db.execute(sql`
      delete from throttles where window_started_at < now() - ${olderThanMs} * interval '1 millisecond'`)
  },
}
