import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type BuiltFile, INBOX_BUILD_DIR, isInboxBuilt, loadBuiltFiles } from './built-files.ts'

/** Hashed file names change with their content: a browser may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
// The app's own scripts and styles only; images may come from the shop's product catalogue.
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const MISSING = `<!doctype html><meta charset="utf-8"><title>Parley inbox</title>
<h1>The staff inbox is not built</h1>
<p>Run <code>npm install</code> (or <code>npm run --prefix web build</code>) in Parley's folder, then restart Parley.</p>`

function send(request: FastifyRequest, reply: FastifyReply, file: BuiltFile, cacheControl: string) {
  reply.header('cache-control', cacheControl).header('etag', file.etag).header('vary', 'accept-encoding')
  reply.header('x-content-type-options', 'nosniff').type(file.type)
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send()
  const gzip = file.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  if (gzip) reply.header('content-encoding', 'gzip')
  return reply.send(gzip ? file.gzipped : file.body)
}

/**
 * The staff inbox (web/): its built files under /inbox/, and index.html for every other path there, so a
 * client route (`/inbox/contacts/12`) reloads into the app. Without a build, each page says how to make one.
 */
export async function inboxSurface(app: FastifyInstance, options: { buildDir?: string }) {
  const dir = options.buildDir ?? INBOX_BUILD_DIR
  const hidden = { schema: { hide: true } }
  if (!isInboxBuilt(dir)) {
    app.log.warn({ dir }, 'the staff inbox is not built (npm install builds it): /inbox/ says so')
    const missing = async (_: FastifyRequest, reply: FastifyReply) =>
      reply.status(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(MISSING)
    app.get('/inbox/', hidden, missing)
    app.get('/inbox/*', hidden, missing)
    return
  }
  const files = await loadBuiltFiles(dir)
  const index = files.get('index.html') as BuiltFile
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', PAGE_POLICY).header('referrer-policy', 'same-origin')
    return send(request, reply, index, 'no-cache')
  }
  app.get('/inbox/', hidden, page)
  app.get('/inbox/*', hidden, async (request, reply) => {
    const path = (request.params as { '*': string })['*']
    const file = files.get(path)
    if (file && path !== 'index.html')
      return send(request, reply, file, path.startsWith('assets/') ? IMMUTABLE : 'no-cache')
    // A missing asset is a 404, not the page: a stale tab asking for an old bundle must not get HTML.
    if (path.startsWith('assets/') || /\.\w+$/.test(path))
      return reply.status(404).send({ detail: 'Not found.' })
    return page(request, reply)
  })
}
