import { extname } from 'node:path'
import type { Problem } from '../errors.ts'
import type { Settings } from '../settings/definitions.ts'

export type Upload = { filename: string; content: Buffer }

const startsWith = (content: Buffer, ...bytes: number[]) =>
  bytes.every((byte, index) => content[index] === byte)
const ascii = (content: Buffer, offset: number, text: string) =>
  content.subarray(offset, offset + text.length).toString('latin1') === text

const looksLikeText = (content: Buffer) => {
  // Text is valid UTF-8 without NUL or other binary control bytes.
  if (content.includes(0)) return false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content)
  } catch {
    return false
  }
  // Tab, line feed, carriage return, form feed and escape are the only control bytes text is allowed.
  const allowedControls = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1b])
  return !content.some((byte) => byte < 0x20 && !allowedControls.has(byte))
}

/** What each known extension's content must start with, and the type it is mailed as. */
const formats: Record<string, { contentType: string; matches: (content: Buffer) => boolean }> = {
  jpg: { contentType: 'image/jpeg', matches: (c) => startsWith(c, 0xff, 0xd8, 0xff) },
  jpeg: { contentType: 'image/jpeg', matches: (c) => startsWith(c, 0xff, 0xd8, 0xff) },
  png: {
    contentType: 'image/png',
    matches: (c) => startsWith(c, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  },
  gif: { contentType: 'image/gif', matches: (c) => ascii(c, 0, 'GIF87a') || ascii(c, 0, 'GIF89a') },
  webp: { contentType: 'image/webp', matches: (c) => ascii(c, 0, 'RIFF') && ascii(c, 8, 'WEBP') },
  pdf: { contentType: 'application/pdf', matches: (c) => ascii(c, 0, '%PDF-') },
  txt: { contentType: 'text/plain', matches: looksLikeText },
  csv: { contentType: 'text/csv', matches: looksLikeText },
  zip: { contentType: 'application/zip', matches: (c) => startsWith(c, 0x50, 0x4b, 0x03, 0x04) },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    matches: (c) => startsWith(c, 0x50, 0x4b, 0x03, 0x04),
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
  if (upload.content.length === 0) return { problem: { code: 'empty_file' } }
  if (upload.content.length > limits.CONTACT_US_MAX_FILE_SIZE) {
    return { problem: { code: 'file_too_large', maxBytes: limits.CONTACT_US_MAX_FILE_SIZE } }
  }
  const format = formats[extension]
  if (format && !format.matches(upload.content)) {
    return { problem: { code: 'content_not_extension', extension } }
  }
  return { contentType: format?.contentType ?? 'application/octet-stream' }
}
