import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/rows.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

const database = useTestDatabase()

/*
 * A parent row deleted with its children deletes them by the foreign key's columns, once for each parent row:
 * the hourly purges delete thousands of old rows at a time, so without an index on those columns each purge
 * read the child table once per row it deleted.
 */
test('every foreign key that deletes its rows with their parent has an index leading with its columns', async () => {
  const result = await database().db.execute(sql`select c.conrelid::regclass::text as "table",
      c.conname as name,
      exists (select 1 from pg_index i
        where i.indrelid = c.conrelid
          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey) as indexed
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and c.confdeltype = 'c' and n.nspname = current_schema()
    order by 1, 2`)
  const cascades = rowsOf<{ table: string; name: string; indexed: boolean }>(result)
  assert.ok(
    cascades.some((key) => key.name === 'webhook_deliveries_event_id_webhook_events_id_fk'),
    'the purge of webhook events deletes their deliveries by a cascade',
  )
  assert.deepEqual(
    cascades.filter((key) => !key.indexed).map((key) => `${key.table}.${key.name}`),
    [],
  )
})
