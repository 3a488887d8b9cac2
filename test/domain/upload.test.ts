import assert from 'node:assert/strict'
import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { contentInspector, namedAsText } from '../../src/domain/upload.ts'

setFlagsFromString('--expose-gc')
/** A full collection, so that what nothing holds is gone. */
const collectGarbage = runInNewContext('gc') as () => void

/** Text as the attachment check defines it, judged on the whole content at once. */
const isText = (content: Buffer) =>
  isUtf8(content) && !content.some((byte) => byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(byte))

/** Contents that are text, nearly text (one byte off), or anything at all. */
const content = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((text) => Buffer.from(text)),
  fc
    .tuple(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
    )
    .map(([text, at, byte]) => {
      const bytes = Buffer.from(text)
      bytes[at % bytes.length] = byte
      return bytes
    }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
)

const inspection = fc.record({ text: fc.boolean(), sha256: fc.boolean() })

test('whatever the chunks a file arrives in, its facts are those of the whole content, each learnt only when asked for', () => {
  fc.assert(
    fc.property(content, fc.array(fc.nat(), { maxLength: 10 }), inspection, (whole, cuts, asked) => {
      const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b)
      const inspector = contentInspector(asked)
      let start = 0
      for (const point of [...points, whole.length]) {
        inspector.update(whole.subarray(start, point))
        start = point
      }
      const facts = inspector.finish()
      assert.equal(facts.size, whole.length)
      assert.deepEqual(facts.head, whole.subarray(0, 16))
      assert.equal(facts.isText, asked.text ? isText(whole) : undefined)
      assert.equal(facts.sha256, asked.sha256 ? createHash('sha256').update(whole).digest('hex') : undefined)
    }),
    { numRuns: 2000 },
  )
})

test('a character cut short at the end is not text, nor is a stray control byte', () => {
  const inspect = (...chunks: Buffer[]) => {
    const inspector = contentInspector({ text: true, sha256: false })
    for (const chunk of chunks) inspector.update(chunk)
    return inspector.finish().isText
  }
  const euro = Buffer.from('€')
  assert.equal(inspect(euro.subarray(0, 1), euro.subarray(1)), true)
  assert.equal(inspect(Buffer.from('price: '), euro.subarray(0, 2)), false)
  assert.equal(inspect(Buffer.from('tab\tand escape\x1b are text\r\n')), true)
  assert.equal(inspect(Buffer.from('a bell\x07 is not')), false)
})

test('only a file named as text, whatever the case of its extension, is checked as text', () => {
  assert.deepEqual(
    ['notes.txt', 'ORDERS.CSV', 'report.pdf', 'txt', 'photo.txt.png', 'archive.tar'].map(namedAsText),
    [true, true, false, false, false, false],
  )
})

test('an inspector holds none of the chunks it was given, so a file being received keeps only the piece being written', async () => {
  const inspector = contentInspector({ text: true, sha256: true })
  const inspectChunk = () => {
    const chunk = Buffer.alloc(64 * 1024, 'a')
    inspector.update(chunk)
    return new WeakRef(chunk.buffer)
  }
  const first = inspectChunk()
  // A WeakRef holds its target until the task that made it ends.
  await new Promise(setImmediate)
  collectGarbage()
  assert.equal(first.deref(), undefined, 'the first chunk is still held')
  assert.equal(inspector.finish().head.toString(), 'a'.repeat(16))
})
