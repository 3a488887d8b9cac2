import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import Fastify from 'fastify'
import { inboxSurface } from '../../../src/surfaces/inbox/index.ts'

let built: string
const script = `console.log(${JSON.stringify('x'.repeat(4000))})`
const page =
  '<!doctype html><div id="root"></div><script type="module" src="/inbox/assets/index-abc123.js"></script>'

before(async () => {
  built = await mkdtemp(join(tmpdir(), 'parley-inbox-'))
  await mkdir(join(built, 'assets'))
  await writeFile(join(built, 'index.html'), page)
  await writeFile(join(built, 'assets', 'index-abc123.js'), script)
})
after(() => rm(built, { recursive: true, force: true }))

async function inbox(buildDir: string) {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } })
  await app.register(inboxSurface, { buildDir })
  return app
}

test('hashed assets are cached for a year, gzipped when asked, and a missing one is a 404, not the page', async (t) => {
  const app = await inbox(built)
  t.after(() => app.close())
  const asset = await app.inject({
    url: '/inbox/assets/index-abc123.js',
    headers: { 'accept-encoding': 'gzip, br' },
  })
  assert.equal(asset.statusCode, 200)
  assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable')
  assert.match(String(asset.headers['content-type']), /^text\/javascript/)
  assert.equal(asset.headers['content-encoding'], 'gzip')
  assert.equal(gunzipSync(asset.rawPayload).toString(), script)
  const plain = await app.inject({ url: '/inbox/assets/index-abc123.js' })
  assert.equal(plain.headers['content-encoding'], undefined)
  assert.equal(plain.body, script)
  const stale = await app.inject({ url: '/inbox/assets/index-old.js' })
  assert.equal(stale.statusCode, 404)
  assert.doesNotMatch(stale.body, /<div id="root">/)
})

test('index.html is revalidated (ETag, 304) and answers every client route under /inbox/', async (t) => {
  const app = await inbox(built)
  t.after(() => app.close())
  for (const url of ['/inbox/', '/inbox', '/inbox/contacts/12', '/inbox/conversations', '/inbox/settings/']) {
    const response = await app.inject({ url })
    assert.equal(response.statusCode, 200, url)
    assert.equal(response.body, page, url)
    assert.equal(response.headers['cache-control'], 'no-cache', url)
    assert.match(String(response.headers['content-security-policy']), /default-src 'self'/)
  }
  const first = await app.inject({ url: '/inbox/contacts' })
  const etag = String(first.headers.etag)
  const again = await app.inject({ url: '/inbox/contacts', headers: { 'if-none-match': etag } })
  assert.equal(again.statusCode, 304)
  assert.equal(again.body, '')
})

test('without a build, /inbox/ says how to make one', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'parley-inbox-none-'))
  const app = await inbox(empty)
  t.after(async () => {
    await app.close()
    await rm(empty, { recursive: true, force: true })
  })
  for (const url of ['/inbox/', '/inbox/contacts/3']) {
    const response = await app.inject({ url })
    assert.equal(response.statusCode, 503)
    assert.match(response.body, /not built/)
    assert.match(response.body, /npm install/)
  }
})
