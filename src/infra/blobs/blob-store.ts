import { randomUUID } from 'node:crypto'
import type { ReadStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'

/**
 * How much of an arriving file may wait in memory for the disk. With the write stream's default (64 KB) each
 * of the request's 64 KB reads paused the socket until the file had it, so a 1 MB form took 16 pauses, each
 * waiting its turn on a busy event loop, and as many writes. With room for a megabyte, reading goes on while
 * a write is under way, and the next write takes all that arrived meanwhile.
 */
const WRITE_AHEAD_BYTES = 1024 * 1024

/**
 * Uploaded files, one per key, in a folder of the data dir. Instances of a multi-instance deployment share
 * the data dir, so any of them can attach a file another one stored.
 */
export function createBlobStore(folder: string) {
  const pathOf = (key: string) => {
    if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error(`not a blob key: ${key}`)
    return join(folder, key.slice(0, 2), key)
  }
  /** Files still arriving, apart from the kept ones, so that finding those a crash left lists only them. */
  const incoming = join(folder, 'incoming')
  return {
    /**
     * A blob written as it arrives, about a megabyte of it at most waiting in memory for the disk, so a large
     * received file never sits whole in memory. It stays under a temporary name, which no reader sees, until
     * it is kept; dropping it removes it, and a kept blob stays.
     */
    async draft() {
      const key = randomUUID()
      const path = pathOf(key)
      await Promise.all([mkdir(dirname(path), { recursive: true }), mkdir(incoming, { recursive: true })])
      const partial = join(incoming, key)
      // Created now, not when the first chunk is written, so a drop that comes first still removes it.
      const sink = (await open(partial, 'wx')).createWriteStream({ highWaterMark: WRITE_AHEAD_BYTES })
      let state: 'open' | 'kept' | 'dropped' = 'open'
      return {
        sink,
        async keep(): Promise<string> {
          if (state === 'dropped') throw new Error(`blob ${key} was dropped before it was kept`)
          if (state === 'open') {
            state = 'kept'
            await rename(partial, path)
          }
          return key
        },
        async drop() {
          if (state !== 'open') return
          state = 'dropped'
          sink.destroy()
          await rm(partial, { force: true })
        },
      }
    },
    /**
     * Opens a blob to stream it, so a large download never sits whole in memory; `undefined` when its file is
     * gone (a data folder restored without it). Opened before the answer starts, so a missing file is told as
     * such rather than failing once the headers are out.
     */
    async read(key: string): Promise<ReadStream | undefined> {
      try {
        return (await open(pathOf(key))).createReadStream()
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
    },
    pathOf,
    /**
     * Removes the incoming files older than `olderThanMs`: no request writes that long, so a crash (or a
     * process killed mid-upload) left them. Returns how many went.
     */
    async sweepAbandoned(olderThanMs: number): Promise<number> {
      const names = await readdir(incoming).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return []
        throw error
      })
      const before = Date.now() - olderThanMs
      let removed = 0
      for (const name of names) {
        const path = join(incoming, name)
        // Another instance sharing the folder may have kept, dropped or swept it meanwhile.
        const modified = await stat(path).then(
          (facts) => facts.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        )
        if (modified >= before) continue
        await rm(path, { force: true })
        removed++
      }
      return removed
    },
  }
}

export type BlobStore = ReturnType<typeof createBlobStore>
export type BlobDraft = Awaited<ReturnType<BlobStore['draft']>>
