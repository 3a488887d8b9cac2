import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { INBOX_BUILD_DIR, isInboxBuilt } from '../../../src/surfaces/inbox/built-files.ts'

const BUDGET = 200 * 1024

test('the inbox’s first load is at most 200 KB of JavaScript gzipped', async () => {
  assert.ok(isInboxBuilt(), 'the inbox is not built: npm install builds it (npm run --prefix web build)')
  const page = await readFile(join(INBOX_BUILD_DIR, 'index.html'), 'utf8')
  // Every script the page loads before it can show anything: its entry and the modules it preloads.
  const scripts = [
    ...page.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\/inbox\/([^"]+\.js)"/g),
  ]
  assert.ok(scripts.length > 0, 'index.html loads a script')
  let gzipped = 0
  for (const [, path] of scripts)
    gzipped += gzipSync(await readFile(join(INBOX_BUILD_DIR, path ?? ''))).length
  assert.ok(gzipped <= BUDGET, `first-load JavaScript is ${(gzipped / 1024).toFixed(1)} KB gzipped`)
})
