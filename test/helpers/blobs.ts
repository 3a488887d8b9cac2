import { readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'

/** Removes the stored file whose bytes are `content`, as a data folder restored without it would lack it. */
export async function removeBlobHolding(dataDir: string, content: Buffer) {
  for (const entry of await readdir(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile() && (await readFile(path)).equals(content)) return rm(path)
  }
  throw new Error('no stored file holds that content')
}
