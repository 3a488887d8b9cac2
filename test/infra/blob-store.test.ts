import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { type BlobDraft, createBlobStore } from '../../src/infra/blobs/blob-store.ts'

let folder: string
before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'parley-blobs-'))
})
after(() => rm(folder, { recursive: true, force: true }))

const HOUR_MS = 3_600_000

const written = async (draft: BlobDraft, content: string) => {
  draft.sink.end(content)
  await new Promise((resolve) => draft.sink.once('close', resolve))
}

test('a sweep removes the incoming files a crash left, and nothing kept or still arriving', async () => {
  const blobs = createBlobStore(folder)
  assert.equal(await blobs.sweepAbandoned(HOUR_MS), 0, 'a store that never received anything has none')

  const kept = await blobs.draft()
  await written(kept, 'kept content')
  const key = await kept.keep()
  await written(await blobs.draft(), 'cut off by a crash')
  const arriving = await blobs.draft()

  // The cut-off upload and the kept blob were last written two hours ago; the one arriving, just now.
  const twoHoursAgo = new Date(Date.now() - 2 * HOUR_MS)
  const incoming = join(folder, 'incoming')
  for (const name of await readdir(incoming)) {
    const path = join(incoming, name)
    if ((await readFile(path, 'utf8')) !== '') await utimes(path, twoHoursAgo, twoHoursAgo)
  }
  await utimes(blobs.pathOf(key), twoHoursAgo, twoHoursAgo)

  assert.equal(await blobs.sweepAbandoned(HOUR_MS), 1)
  const left = await readdir(incoming)
  assert.equal(left.length, 1, 'the upload still arriving stays')
  assert.equal(await readFile(join(incoming, left[0] ?? ''), 'utf8'), '')
  const content = await blobs.read(key)
  assert.ok(content, 'a kept blob, however old, stays')
  content.destroy()
  await arriving.drop()
  assert.deepEqual(await readdir(incoming), [])
})
