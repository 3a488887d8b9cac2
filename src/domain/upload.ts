import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { extname } from 'node:path'

/** How many of a file's first bytes are kept: enough for every format signature Parley checks. */
const HEAD_BYTES = 16

/** What the checks need to know of a file's content, learnt as it arrived. */
export type ContentFacts = {
  size: number
  /** The content's first bytes (all of it when it is shorter), for the format signatures. */
  head: Buffer
  /**
   * Whether the content is text: valid UTF-8 without NUL or binary control bytes. Learnt only when asked for,
   * as it reads every byte.
   */
  isText?: boolean
  /** The content's SHA-256, in hex. Learnt only when asked for, as it reads every byte. */
  sha256?: string
}

/** What an inspector learns beyond a file's size and head: each reads the whole content, so only on demand. */
export type Inspection = { text: boolean; sha256: boolean }

/** The extensions whose files must be text: the only format checks that read past a file's head. */
const TEXT_EXTENSIONS = new Set(['txt', 'csv'])

/** Whether a file's name says it holds text, so that its check needs `isText`. */
export const namedAsText = (filename: string) => TEXT_EXTENSIONS.has(extname(filename).slice(1).toLowerCase())

/**
 * A file a client sent, already on disk and never whole in memory. A file nobody keeps is removed once its
 * request ends.
 */
export type Upload = ContentFacts & {
  filename: string
  /** Keeps the file as a blob and returns the blob's key. */
  keep(): Promise<string>
}

// Tab, line feed, form feed, carriage return and escape are the only control characters text is allowed.
const BINARY_CONTROLS = [...Array(0x20).keys()].filter(
  (byte) => ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(byte),
)

/** How many bytes the UTF-8 sequence that `lead` starts holds (0 when it starts none). */
const sequenceLength = (lead: number) => (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0)

/** Where the sequence that `bytes` ends in begins, when it is cut short; else `bytes.length`. */
function unfinishedTail(bytes: Buffer) {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] ?? 0
    if ((byte & 0xc0) === 0x80) continue
    return sequenceLength(byte) > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/**
 * Whether chunks, given in order, make text: valid UTF-8 (a character split between chunks is held over to
 * the next) without binary control bytes. Both are checked in native code over the bytes, never decoded.
 */
function textCheck() {
  let held: Buffer = Buffer.alloc(0)
  return {
    continues(chunk: Buffer) {
      // Control bytes are never part of a longer UTF-8 sequence, so the raw bytes tell.
      if (BINARY_CONTROLS.some((byte) => chunk.includes(byte))) return false
      const bytes = held.length > 0 ? Buffer.concat([held, chunk]) : chunk
      const whole = unfinishedTail(bytes)
      held = Buffer.from(bytes.subarray(whole))
      return isUtf8(bytes.subarray(0, whole))
    },
    ends: () => held.length === 0,
  }
}

/** Learns a file's `ContentFacts`, with what `inspection` asks for, from its chunks in order, keeping none of them. */
export function contentInspector(inspection: Inspection) {
  const hash = inspection.sha256 ? createHash('sha256') : undefined
  const text = inspection.text ? textCheck() : undefined
  // Copied out: a view into the first chunk would keep the buffer it was cut from alive until the file ends.
  const head = Buffer.alloc(HEAD_BYTES)
  let headSize = 0
  let size = 0
  let isText = true
  return {
    update(chunk: Buffer) {
      size += chunk.length
      hash?.update(chunk)
      if (headSize < HEAD_BYTES) headSize += chunk.copy(head, headSize)
      if (text && isText) isText = text.continues(chunk)
    },
    finish(): ContentFacts {
      const facts: ContentFacts = { size, head: head.subarray(0, headSize) }
      if (text) facts.isText = isText && text.ends()
      if (hash) facts.sha256 = hash.digest('hex')
      return facts
    },
  }
}
