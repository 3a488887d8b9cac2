import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Uploaded files, one per key, in a folder of the data dir. Instances of a multi-instance deployment share
 * the data dir, so any of them can attach a file another one stored.
 */
export function createBlobStore(folder: string) {
  const pathOf = (key: string) => {
    if (!/^[0-9a-f-]{36}$/.test(key)) throw new Error(`not a blob key: ${key}`)
    return join(folder, key.slice(0, 2), key)
  }
  return {
    async put(content: Buffer): Promise<string> {
      const key = randomUUID()
      const path = pathOf(key)
      await mkdir(join(folder, key.slice(0, 2)), { recursive: true })
      // Written under a temporary name and renamed, so a reader never sees half a file.
      await writeFile(`${path}.part`, content)
      await rename(`${path}.part`, path)
      return key
    },
    read: (key: string): Promise<Buffer> => readFile(pathOf(key)),
    /** Streams a blob, so a large download never sits whole in memory. */
    stream: (key: string) => createReadStream(pathOf(key)),
    pathOf,
  }
}

export type BlobStore = ReturnType<typeof createBlobStore>
