import { extname } from 'node:path'
import type { Problem } from '../errors.ts'
import type { Settings } from '../settings/definitions.ts'
import type { Upload } from '../upload.ts'

const startsWith = (content: Buffer, ...bytes: number[]) =>
  bytes.every((byte, index) => content[index] === byte)
const ascii = (content: Buffer, offset: number, text: string) =>
  content.subarray(offset, offset + text.length).toString('latin1') === text

/** What each known extension's content must start with, and the type it is mailed as. */
const formats: Record<string, { contentType: string; matches: (upload: Upload) => boolean }> = {
  jpg: { contentType: 'image/jpeg', matches: ({ head }) => startsWith(head, 0xff, 0xd8, 0xff) },
  jpeg: { contentType: 'image/jpeg', matches: ({ head }) => startsWith(head, 0xff, 0xd8, 0xff) },
  png: {
    contentType: 'image/png',
    matches: ({ head }) => startsWith(head, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  },
  gif: {
    contentType: 'image/gif',
    matches: ({ head }) => ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a'),
  },
  webp: {
    contentType: 'image/webp',
    matches: ({ head }) => ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP'),
  },
  pdf: { contentType: 'application/pdf', matches: ({ head }) => ascii(head, 0, '%PDF-') },
  // Learnt for a file named as text (`namedAsText`).
  txt: { contentType: 'text/plain', matches: (upload) => upload.isText === true },
  csv: { contentType: 'text/csv', matches: (upload) => upload.isText === true },
  zip: { contentType: 'application/zip', matches: ({ head }) => startsWith(head, 0x50, 0x4b, 0x03, 0x04) },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    matches: ({ head }) => startsWith(head, 0x50, 0x4b, 0x03, 0x04),
  },
}

/**
 * Checks an upload against the allowed extensions, its content against the extension, and the size limit.
 * An extension staff allowed that Parley has no signature for is checked by name and size only.
 */
export function checkAttachment(
  upload: Upload,
  limits: Pick<Settings, 'CONTACT_US_ALLOWED_EXTENSIONS' | 'CONTACT_US_MAX_FILE_SIZE'>,
): { problem: Problem } | { contentType: string } {
  const extension = extname(upload.filename).slice(1).toLowerCase()
  const allowed = limits.CONTACT_US_ALLOWED_EXTENSIONS
  if (!allowed.includes(extension)) {
    return { problem: { code: 'extension_not_allowed', extension, allowed } }
  }
  if (upload.size === 0) return { problem: { code: 'empty_file' } }
  if (upload.size > limits.CONTACT_US_MAX_FILE_SIZE) {
    return { problem: { code: 'file_too_large', maxBytes: limits.CONTACT_US_MAX_FILE_SIZE } }
  }
  const format = formats[extension]
  if (format && !format.matches(upload)) {
    return { problem: { code: 'content_not_extension', extension } }
  }
  return { contentType: format?.contentType ?? 'application/octet-stream' }
}
