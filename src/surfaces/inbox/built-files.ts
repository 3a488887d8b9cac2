import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join, relative, sep } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Where `npm install` (the `prepare` script) leaves the inbox's build: web/dist. */
export const INBOX_BUILD_DIR = new URL('../../../web/dist/', import.meta.url).pathname

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
}
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.map'])

export type BuiltFile = { body: Buffer; gzipped?: Buffer; type: string; etag: string }

export const isInboxBuilt = (dir = INBOX_BUILD_DIR) => existsSync(join(dir, 'index.html'))

/**
 * Every file of the build, read once at start (a few hundred kilobytes), with its ETag and a gzipped copy:
 * each request is then answered from memory. A new build is served after a restart.
 */
export async function loadBuiltFiles(dir: string): Promise<Map<string, BuiltFile>> {
  const files = new Map<string, BuiltFile>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    const body = await readFile(path)
    const extension = extname(entry.name)
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
    const gzipped =
      COMPRESSIBLE.has(extension) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined
    const type = TYPES[extension] ?? 'application/octet-stream'
    files.set(relative(dir, path).split(sep).join('/'), { body, gzipped, type, etag })
  }
  return files
}
