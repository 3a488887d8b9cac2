// Temporary: counts the statements each read scenario's request runs (not committed).

import { readFileSync, statSync } from 'node:fs'
import pg from 'pg'
import { createBenchDatabase, DEFAULT_ADMIN_URL } from './database.ts'
import { startServer } from './processes.ts'
import { SCENARIOS } from './scenarios.ts'
import { SHAPES } from './shape.ts'

const database = await createBenchDatabase(SHAPES.small, { embedded: false, adminUrl: DEFAULT_ADMIN_URL })
const url = database.parleyEnv.DATABASE_URL ?? ''
const name = new URL(url).pathname.slice(1)
const admin = new pg.Client(DEFAULT_ADMIN_URL)
await admin.connect()
await admin.query(`alter database ${name} set log_statement = 'all'`)
const parley = await startServer({
  name: 'Parley',
  args: ['src/main.ts'],
  cwd: process.cwd(),
  portVariable: 'PORT',
  healthPath: '/healthz',
  env: {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PARLEY_DATA_DIR: '/tmp/probe/data',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    ...database.parleyEnv,
  },
})
const log = '/var/log/postgresql/postgresql-15-main.log'
try {
  for (const scenario of SCENARIOS.filter((s) => s.kind === 'read' || process.argv[2] === 'all')) {
    for (let round = 0; round < 3; round++) {
      const request = scenario.parley(database.fixture, round + 7)
      const before = statSync(log).size
      const answer = await fetch(parley.url + request.path, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      })
      await answer.arrayBuffer()
      await new Promise((r) => setTimeout(r, 300))
      const text = readFileSync(log).subarray(before).toString()
      const statements = text
        .split('\n')
        .filter((line) => line.includes(`${name}`) && /LOG: {2}(statement|execute)/.test(line))
      console.log(`\n== ${scenario.name} round ${round} -> ${answer.status}: ${statements.length} statements`)
      if (round === 2)
        for (const s of statements) console.log('   ' + s.replace(/^.*?LOG: {2}/, '').slice(0, 220))
    }
  }
} finally {
  await parley.stop()
  await admin.end()
  await database.drop()
}
