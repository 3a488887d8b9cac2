import { sql } from 'drizzle-orm'
import type { TestApp } from './test-app.ts'

/**
 * `count` contacts in the demo staff's company, a minute apart from 2020-01-01, subject "Bulk <n>"; those whose
 * n leaves 7 divided by `odd.every` say `odd.message`, the rest "hay". Written straight to the database:
 * thousands through the API would take minutes.
 */
export async function insertBulkContacts(
  parley: TestApp,
  count: number,
  odd: { every: number; message: string },
) {
  await parley.db.execute(sql`
    insert into contacts (company_id, source, subject, message, created_at)
    select u.company_id, 'staff', 'Bulk ' || n,
      case when n % ${odd.every}::int = 7 then ${odd.message}::text else 'hay' end,
      timestamptz '2020-01-01T00:00:00Z' + n * interval '1 minute'
    from generate_series(1, ${count}::int) n, users u where u.id = ${parley.demo.users.staff.id}`)
}
