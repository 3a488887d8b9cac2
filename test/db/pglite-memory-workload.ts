/**
 * Run by pglite-memory.test.ts in a process of its own, so that the peak it prints (in kB) is the embedded
 * database's and nothing else's. `node pglite-memory-workload.ts <folder> [create]`: `create` only makes
 * the data folder.
 */
import { readFileSync } from 'node:fs'
import { startPgliteWorker } from '../../src/db/pglite-worker.ts'

const [folder, mode] = process.argv.slice(2)
const db = await startPgliteWorker({ folder, postgresqlconf: ['shared_buffers=32MB'] })
if (mode !== 'create') {
  for (let i = 0; i < 300; i++)
    await db.query(
      `select $1::int + ${i % 7} as n, (select count(*) from pg_class where relname like $2) as c`,
      [i, 'pg_%'],
    )
  // V8 optimizes in the background: long enough for it to reach the functions these statements ran hot.
  await new Promise((resolve) => setTimeout(resolve, 4000))
}
await db.close()
console.log(readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m)?.[1])
