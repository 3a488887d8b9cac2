import { createHash } from 'node:crypto'

/** How many of a file's first bytes are kept: enough for every format signature Parley checks. */
const HEAD_BYTES = 16

/** What the checks need to know of a file's content, learnt as it arrived. */
export type ContentFacts = {
  size: number
  /** The content's first bytes (all of it when it is shorter), for the format signatures. */
  head: Buffer
  /** Whether the content is text: valid UTF-8 without NUL or binary control bytes. */
  isText: boolean
  /** The content's SHA-256, in hex. */
  sha256: string
}

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
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const binaryControl = /[\0-\x08\x0b\x0e-\x1a\x1c-\x1f]/

/** Learns a file's `ContentFacts` from its chunks in order, keeping none of them. */
export function contentInspector() {
  const hash = createHash('sha256')
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const head: Buffer[] = []
  let headSize = 0
  let size = 0
  let isText = true
  /** Whether the chunk continues valid text; with none, whether the text ends whole. */
  const continuesText = (chunk?: Buffer) => {
    try {
      // A character split between chunks is held over to the next; a flush refuses one left unfinished.
      // Control bytes are never part of a longer UTF-8 sequence, so they are found in the decoded text.
      return !binaryControl.test(decoder.decode(chunk, { stream: chunk !== undefined }))
    } catch {
      return false
    }
  }
  return {
    update(chunk: Buffer) {
      size += chunk.length
      hash.update(chunk)
      if (headSize < HEAD_BYTES) {
        head.push(chunk.subarray(0, HEAD_BYTES - headSize))
        headSize += Math.min(chunk.length, HEAD_BYTES - headSize)
      }
      if (isText) isText = continuesText(chunk)
    },
    finish(): ContentFacts {
      if (isText) isText = continuesText()
      // A copy: the head does not keep the chunks it came from alive.
      return { size, head: Buffer.concat(head), isText, sha256: hash.digest('hex') }
    },
  }
}
