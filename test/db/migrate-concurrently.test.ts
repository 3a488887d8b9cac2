import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import pg from 'pg'
import { migrationsFolder } from '../../src/db/client.ts'
import { type Instance, startInstance, stopInstance } from '../helpers/instances.ts'

const serverUrl = process.env.DATABASE_URL

test('three instances started at once on an empty database migrate it once and all become ready', {
  skip: serverUrl?.startsWith('postgres') ? false : 'needs PostgreSQL: PGlite is one process’s database',
}, async () => {
  const name = `parley_test_${randomUUID().replaceAll('-', '')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(serverUrl ?? '')
  url.pathname = `/${name}`
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-migrate-'))
  const started: Instance[] = []
  try {
    const env = { DATABASE_URL: url.toString(), PARLEY_DATA_DIR: dataDir }
    const instances = await Promise.allSettled(
      ['first', 'second', 'third'].map((instance) => startInstance(instance, env)),
    )
    for (const outcome of instances) if (outcome.status === 'fulfilled') started.push(outcome.value)
    assert.deepEqual(
      instances.map((outcome) => (outcome.status === 'fulfilled' ? 'ready' : String(outcome.reason))),
      ['ready', 'ready', 'ready'],
    )

    const database = new pg.Client({ connectionString: url.toString() })
    await database.connect()
    const applied = await database.query('select hash from drizzle.__drizzle_migrations order by id')
    const companies = await database.query('select slug from companies')
    await database.end()
    assert.deepEqual(
      applied.rows.map((row) => row.hash),
      readMigrationFiles({ migrationsFolder }).map((migration) => migration.hash),
      'each migration is recorded once, in order',
    )
    assert.deepEqual(companies.rows, [{ slug: 'default' }], 'one default company, not one per instance')
  } finally {
    await Promise.all(started.map(stopInstance))
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
    await rm(dataDir, { recursive: true, force: true })
  }
})
