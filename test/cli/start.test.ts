import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { startupLine } from '../../src/startup.ts'

const main = new URL('../../src/main.ts', import.meta.url).pathname

/** Said on stderr as each of the process's threads exits: whether Node loaded its fetch implementation in it. */
const reportsUndici = `data:text/javascript,process.on('exit', () => process.stderr.write(
  'undici loaded: ' + process.moduleLoadList.some((name) => name.includes('undici')) + '\\n'))`

test('the service starts on embedded defaults, answers, and stops cleanly on SIGTERM, never loading undici', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-start-'))
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }
  delete env.DATABASE_URL
  delete env.SMTP_URL
  // Node's fetch implementation (undici) costs every process that loads it ~2.5 MB of heap; an ES import of
  // `node:http`, Parley's or a dependency's, loads it (src/infra/node-http.ts).
  const child = spawn(process.execPath, ['--import', reportsUndici, main], { env })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
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
    const startup = await new Promise<string>((resolve) => {
      const look = () => {
        const line = stderr.split('\n').find((text) => text.startsWith('Parley is running at'))
        if (line) resolve(line)
        else child.stderr.once('data', look)
      }
      look()
    })
    assert.ok(startup.includes(`staff inbox ${address}/inbox/`), `the built inbox is advertised: ${startup}`)
    assert.ok(startup.includes(`${address}/docs`), startup)
    assert.ok(startup.includes(`PGlite in ${join(dataDir, 'db')}`), startup)
    assert.ok(startup.includes(`.eml files in ${join(dataDir, 'mail')}`), startup)
    const health = await fetch(`${address}/healthz`)
    assert.equal(health.status, 200)
    assert.deepEqual(await health.json(), { status: 'ok' })
    assert.ok(health.headers.get('x-request-id'), 'every response carries its request id')
    const docs = await fetch(`${address}/docs`, { redirect: 'follow' })
    assert.equal(docs.status, 200)
    assert.match(await docs.text(), /swagger/i)
    const inbox = await fetch(`${address}/inbox/`)
    assert.equal(inbox.status, 200, 'npm install built the inbox, and the start serves it')
    assert.match(await inbox.text(), /<div id="root">/)
    assert.ok((await readdir(dataDir)).includes('db'), 'PGlite keeps its data in the data dir')
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(stderr, /undici loaded: false/)
    assert.doesNotMatch(stderr, /undici loaded: true/)
  } finally {
    child.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  }
})

/** Runs `npm start`'s entry with `env` added, to its exit. */
async function startWith(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], { env: { ...process.env, PORT: '0', ...env } })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stderr }
}

const oneLine = (stderr: string) => {
  assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`)
  assert.doesNotMatch(stderr, /at .*\.(ts|js):\d+/, 'no stack')
}

test('every bad environment variable stops the start with one line naming it, and no stack', async () => {
  for (const [env, says] of [
    [{ PORT: 'eighty' }, /PORT: expected a whole number/],
    [{ LOG_LEVEL: 'bogus' }, /LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent/],
    [
      { DATABASE_URL: 'mysql://root:hunter2@db/shop' },
      /DATABASE_URL: expected postgres:\/\/.* got a mysql:\/\/ URL/,
    ],
    [{ SMTP_URL: 'foo' }, /SMTP_URL: expected smtp:\/\//],
    [{ TRUSTED_ORIGINS: 'https://shop.example.com/' }, /TRUSTED_ORIGINS: expected origins/],
  ] as const) {
    const { code, stderr } = await startWith(env)
    assert.equal(code, 1, JSON.stringify(env))
    assert.match(stderr, says)
    assert.doesNotMatch(stderr, /hunter2/, 'a password in a URL is never repeated')
    oneLine(stderr)
  }
})

test('a port in use is said in one line, without a stack', async () => {
  const taken = createServer()
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-start-'))
  try {
    const { port } = taken.address() as AddressInfo
    const env: Record<string, string> = { PORT: String(port), PARLEY_DATA_DIR: dataDir, DATABASE_URL: '' }
    const { code, stderr } = await startWith(env)
    assert.equal(code, 1)
    assert.match(stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use`))
    oneLine(stderr)
  } finally {
    taken.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})

test('the start-up line names a PostgreSQL server and an SMTP host, never their passwords', () => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://parley:db-secret@db.internal:5432/parley',
    SMTP_URL: 'smtps://mailer:smtp-secret@smtp.example.com:465',
  })
  const line = startupLine(config, 'http://127.0.0.1:8000', true)
  assert.match(line, /PostgreSQL parley@db\.internal:5432\/parley/)
  assert.match(line, /SMTPS to smtp\.example\.com:465/)
  assert.doesNotMatch(line, /secret/)
})

test('the start-up line says where the staff inbox is, or that it is not built', () => {
  const config = loadConfig({})
  assert.match(
    startupLine(config, 'http://127.0.0.1:8000', true),
    /staff inbox http:\/\/127\.0\.0\.1:8000\/inbox\//,
  )
  const unbuilt = startupLine(config, 'http://127.0.0.1:8000', false)
  assert.match(unbuilt, /staff inbox not built \(npm install builds it\)/)
  assert.doesNotMatch(unbuilt, /\/inbox\//)
})
