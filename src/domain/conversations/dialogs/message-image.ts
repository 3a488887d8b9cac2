import type { Problem } from '../../errors.ts'
import type { Upload } from '../../upload.ts'

/** The largest image a message may carry; chat photos are resized by clients well below this. */
export const MESSAGE_IMAGE_MAX_BYTES = 5 * 1024 * 1024

const startsWith = (content: Buffer, bytes: number[], offset = 0) =>
  bytes.every((byte, index) => content[offset + index] === byte)
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0))

// Checked by content, never by name or declared type: a client's labels are not evidence of what it sent.
const signatures = [
  { contentType: 'image/jpeg', matches: (c: Buffer) => startsWith(c, [0xff, 0xd8, 0xff]) },
  {
    contentType: 'image/png',
    matches: (c: Buffer) => startsWith(c, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  {
    contentType: 'image/webp',
    matches: (c: Buffer) => startsWith(c, ascii('RIFF')) && startsWith(c, ascii('WEBP'), 8),
  },
]

/** A message image's type, or the problem with it: only JPEG, PNG and WebP, and at most the size limit. */
export function checkMessageImage(upload: Upload): { problem: Problem } | { contentType: string } {
  if (upload.size === 0) return { problem: { code: 'empty_file' } }
  if (upload.size > MESSAGE_IMAGE_MAX_BYTES) {
    return { problem: { code: 'image_too_large', maxBytes: MESSAGE_IMAGE_MAX_BYTES } }
  }
  const signature = signatures.find((candidate) => candidate.matches(upload.head))
  if (!signature) return { problem: { code: 'not_an_image' } }
  return { contentType: signature.contentType }
}
