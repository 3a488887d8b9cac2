import formbody from '@fastify/formbody'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Upload } from '../../domain/contacts/attachment-check.ts'

const refusedFileName = (field: string) =>
  Object.assign(new Error(`body/${field} must not contain null characters`), {
    statusCode: 400,
    validation: [{ keyword: 'nullCharacters', instancePath: `/${field}`, schemaPath: '#', params: {} }],
  })

/**
 * JSON (built in), urlencoded and multipart bodies alike become a plain object of fields before validation;
 * a multipart body's files go to `request.uploads`. Over-long bodies and files are refused with 413.
 */
export const bodyParsing = fp(async (app: FastifyInstance, options: { bodyLimit: number }) => {
  await app.register(formbody, { bodyLimit: options.bodyLimit })
  await app.register(multipart, {
    limits: { fileSize: options.bodyLimit, fieldSize: 1024 * 1024, files: 5, fields: 100, parts: 110 },
  })
  app.decorateRequest('uploads', null)
  app.addHook('preValidation', async (request) => {
    if (!request.isMultipart()) return
    const fields: Record<string, string> = {}
    const uploads = new Map<string, Upload>()
    try {
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const content = await part.toBuffer()
          if (part.filename !== '' || content.length > 0) {
            uploads.set(part.fieldname, { filename: part.filename, content })
          }
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value
        }
      }
    } catch (error) {
      // The parser's own refusals carry a status (413 for the limits); a body it cannot read is the client's fault.
      if ((error as { statusCode?: number }).statusCode !== undefined) throw error
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
})
