import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { FolderLockedError, lockFolder } from '../../src/db/folder-lock.ts'

const main = new URL('../../src/main.ts', import.meta.url).pathname
const cli = new URL('../../src/cli/parley.ts', import.meta.url).pathname

const embeddedEnv = (dataDir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, PARLEY_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }
  delete env.DATABASE_URL
  delete env.SMTP_URL
  return env
}

/** Runs a process to its end: its exit code and what it wrote. */
function run(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, args, { env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string; pid: number }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, pid: child.pid ?? 0 })),
  )
}

test('a second process on the same PGlite folder is refused with one line naming the holder', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-lock-'))
  const env = embeddedEnv(dataDir)
  const server = spawn(process.execPath, [main], { env })
  t.after(async () => {
    server.kill('SIGKILL')
    await rm(dataDir, { recursive: true, force: true })
  })
  const address = await new Promise<string>((resolve, reject) => {
    let output = ''
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    server.on('exit', (code) => reject(new Error(`exited with ${code} before listening: ${output}`)))
  })

  for (const args of [[cli, 'seed-demo'], [main]]) {
    const second = await run(args, env)
    assert.equal(second.code, 1, `${args.at(-1)} is refused`)
    const lines = second.stderr.trim().split('\n')
    assert.equal(lines.length, 1, `one line: ${second.stderr}`)
    assert.match(lines[0] ?? '', new RegExp(`in use by another Parley process \\(PID ${server.pid}\\)`))
    assert.equal(second.stdout, '')
  }
  // The first process was left alone: it still answers, and can log a user in.
  assert.equal((await fetch(`${address}/healthz`)).status, 200)

  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve))
  server.kill('SIGTERM')
  assert.equal(await exited, 0)
  await assert.rejects(readFile(join(dataDir, 'db.lock')), { code: 'ENOENT' }, 'released at a clean stop')
})

test('a lock left by a process that died is taken over; a live holder’s is not', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-lock-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const folder = join(dataDir, 'db')
  const dead = await run(['-e', ''], {})
  await writeFile(`${folder}.lock`, `${dead.pid}\n`)
  const release = lockFolder(folder)
  assert.equal(await readFile(`${folder}.lock`, 'utf8'), `${process.pid}\n`)
  assert.throws(() => lockFolder(folder), new FolderLockedError(folder, process.pid))
  release()
  await assert.rejects(readFile(`${folder}.lock`), { code: 'ENOENT' })
})
