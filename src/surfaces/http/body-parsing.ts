import type { IncomingMessage } from 'node:http'
import { pipeline } from 'node:stream/promises'
import formbody from '@fastify/formbody'
import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { contentInspector, namedAsText, type Upload } from '../../domain/upload.ts'
import type { BlobDraft, BlobStore } from '../../infra/blobs/blob-store.ts'

const refusedFileName = (field: string) =>
  Object.assign(new Error(`body/${field} must not contain null characters`), {
    statusCode: 400,
    validation: [{ keyword: 'nullCharacters', instancePath: `/${field}`, schemaPath: '#', params: {} }],
  })

/** Each request's received files, dropped when it ends: a handler keeps the ones it accepts before that. */
const draftsOf = new WeakMap<IncomingMessage, BlobDraft[]>()

const dropDrafts = async (raw: IncomingMessage) => {
  const drafts = draftsOf.get(raw)
  if (drafts) await Promise.all(drafts.map((draft) => draft.drop()))
}

/**
 * JSON (built in), urlencoded and multipart bodies alike become a plain object of fields before validation;
 * a multipart body's files are written to the blob store as they arrive and go to `request.uploads`.
 * Over-long bodies and files are refused with 413.
 */
export const bodyParsing = fp(
  async (app: FastifyInstance, options: { bodyLimit: number; blobs: BlobStore }) => {
    // An empty JSON body is no fields, as DRF reads it: a client that sends its JSON content type on
    // a bodiless POST (marking a dialog read) is answered, and one that forgot its fields is told which.
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeContentTypeParser('application/json')
    app.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: options.bodyLimit },
      (request, body: string, done) => (body === '' ? done(null, {}) : parseJson(request, body, done)),
    )
    await app.register(formbody, { bodyLimit: options.bodyLimit })
    await app.register(multipart, {
      limits: { fileSize: options.bodyLimit, fieldSize: 1024 * 1024, files: 5, fields: 100, parts: 110 },
    })

    /**
     * Streams a file part into a new blob, learning what the checks need of its content on the way: whether it
     * is text when its name says so, and its hash when the request has an idempotency key (a retry's file is
     * told from the first one's by it).
     */
    async function receive(part: MultipartFile, drafts: BlobDraft[], hasKey: boolean): Promise<Upload> {
      const draft = await options.blobs.draft()
      drafts.push(draft)
      const inspector = contentInspector({ text: namedAsText(part.filename), sha256: hasKey })
      await pipeline(
        part.file,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            inspector.update(chunk)
            yield chunk
          }
        },
        draft.sink,
      )
      // The parser stops a file at the size limit and ends it as if it were whole.
      if (part.file.truncated) throw new app.multipartErrors.RequestFileTooLargeError()
      return { filename: part.filename, ...inspector.finish(), keep: draft.keep }
    }

    app.decorateRequest('uploads', null)
    // After the handler, so after any keep: a handler answers even a client that has gone.
    app.addHook('onSend', async (request) => {
      await dropDrafts(request.raw)
    })
    app.addHook('preValidation', async (request) => {
      if (!request.isMultipart()) return
      const drafts: BlobDraft[] = []
      draftsOf.set(request.raw, drafts)
      // A client that goes before its body is whole cuts the parser short, and its files are dropped below. One
      // that goes once its body is whole, even while its parts are still being read, sent a whole request,
      // handled as any other: its files are the handler's to keep until it answers.
      const fields: Record<string, string> = {}
      const uploads = new Map<string, Upload>()
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            const upload = await receive(part, drafts, request.headers['idempotency-key'] !== undefined)
            if (part.filename !== '' || upload.size > 0) uploads.set(part.fieldname, upload)
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value
          }
        }
      } catch (error) {
        await dropDrafts(request.raw)
        // The parser's own refusals carry a status (413 for the limits); a body it cannot read is the client's
        // fault, a file that cannot be written is the server's.
        const { statusCode, syscall } = error as { statusCode?: number; syscall?: string }
        if (statusCode !== undefined || syscall !== undefined) throw error
        throw Object.assign(new Error(`Multipart form parse error - ${(error as Error).message}`), {
          statusCode: 400,
        })
      }
      const named = [...uploads].find(([, upload]) => upload.filename.includes('\u0000'))
      // A file's name is stored and mailed as text, which cannot hold a NUL: the field is refused as a text one is.
      if (named) throw refusedFileName(named[0])
      request.body = fields
      request.uploads = uploads
    })
  },
)
