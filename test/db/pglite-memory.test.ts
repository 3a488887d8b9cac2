import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { hintLargeFunctions, LIFTOFF_ONLY_BYTES } from '../../src/db/pglite-module.ts'

const run = promisify(execFile)

test('the compilation hints keep only the largest of PGlite functions in Liftoff', async () => {
  const wasm = await readFile(new URL('pglite.wasm', import.meta.resolve('@electric-sql/pglite')))
  const { wasm: hinted, kept } = hintLargeFunctions(wasm)
  assert.ok(kept.length > 0, `no function body in PGlite's module is over ${LIFTOFF_ONLY_BYTES} bytes`)
  assert.ok(kept.length < 10, `${kept.length} functions kept in Liftoff: statements would slow down`)
  // One byte a function, after the section's name and count.
  assert.ok(hinted.length > wasm.length + 13_000)
})

test('embedded PGlite stays under 400 MB while V8 compiles and optimizes it', {
  skip: process.platform === 'linux' ? false : 'reads /proc',
}, async (t) => {
  const workload = new URL('./pglite-memory-workload.ts', import.meta.url).pathname
  const folder = await mkdtemp(join(tmpdir(), 'parley-pglite-memory-'))
  t.after(() => rm(folder, { recursive: true, force: true }))
  // An instance restarting on its data folder, as it does every start but the first.
  await run(process.execPath, [workload, folder, 'create'], { timeout: 120_000 })
  const { stdout } = await run(process.execPath, [workload, folder], { timeout: 120_000 })
  const peakMb = Number(stdout.trim()) / 1024
  // Left to tier up, one 100 KB function alone took TurboFan about 600 MB: the process peaked at 750 MB.
  assert.ok(peakMb < 400, `the process peaked at ${Math.round(peakMb)} MB`)
})
