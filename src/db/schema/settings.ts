import { jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'
import { users } from './accounts.ts'
import { ref, updatedAt } from './columns.ts'
import { companies } from './tenancy.ts'

/** A staff override of a dynamic setting; a key without a row takes its default from configuration. */
export const settings = pgTable(
  'settings',
  {
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    key: text('key').notNull(),
    value: jsonb('value').$type<unknown>().notNull(),
    updatedBy: ref('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.companyId, t.key] })],
)
