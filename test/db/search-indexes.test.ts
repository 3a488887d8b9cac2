import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'drizzle-orm'
import { rowsOf } from '../../src/db/rows.ts'
import { BOUNDED_PENDING_LIST } from '../../src/db/schema/columns.ts'
import { useTestDatabase } from '../helpers/test-app.ts'

const database = useTestDatabase()

test('every GIN index keeps its pending list small, as migrated and as the schema declares', async () => {
  const result = await database().db.execute(sql`select c.relname as name, c.reloptions as options
    from pg_class c join pg_am am on am.oid = c.relam join pg_namespace n on n.oid = c.relnamespace
    where am.amname = 'gin' and n.nspname = current_schema() order by c.relname`)
  const indexes = rowsOf<{ name: string; options: string[] | null }>(result)
  assert.deepEqual(
    indexes.map((index) => index.name),
    ['contacts_search_trgm_idx', 'conversations_subject_trgm_idx', 'messages_text_trgm_idx'],
  )
  for (const index of indexes) {
    assert.deepEqual(
      index.options,
      [`gin_pending_list_limit=${BOUNDED_PENDING_LIST.gin_pending_list_limit}`],
      index.name,
    )
  }
})
