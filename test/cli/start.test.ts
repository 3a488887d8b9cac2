import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const main = new URL('../../src/main.ts', import.meta.url).pathname

test('the service starts on embedded defaults, answers, and stops cleanly on SIGTERM', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-start-'))
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }
  delete env.DATABASE_URL
  delete env.SMTP_URL
  const child = spawn(process.execPath, [main], { env })
  try {
    const address = await new Promise<string>((resolve, reject) => {
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
        if (match?.[1]) resolve(match[1])
      })
      child.on('exit', (code) => reject(new Error(`exited with ${code} before listening: ${output}`)))
    })
    const health = await fetch(`${address}/healthz`)
    assert.equal(health.status, 200)
    assert.deepEqual(await health.json(), { status: 'ok' })
    assert.ok(health.headers.get('x-request-id'), 'every response carries its request id')
    const docs = await fetch(`${address}/docs`, { redirect: 'follow' })
    assert.equal(docs.status, 200)
    assert.match(await docs.text(), /swagger/i)
    assert.ok((await readdir(dataDir)).includes('db'), 'PGlite keeps its data in the data dir')
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  } finally {
    child.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('a bad configuration value stops the start with a message naming it', async () => {
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: 'eighty' } })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  assert.equal(code, 1)
  assert.match(stderr, /PORT: expected a whole number/)
})
