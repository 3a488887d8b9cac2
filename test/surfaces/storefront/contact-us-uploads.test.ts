import assert from 'node:assert/strict'
import { isUtf8 } from 'node:buffer'
import { once } from 'node:events'
import { readdir, readFile } from 'node:fs/promises'
import { request } from 'node:http'
import { basename, join } from 'node:path'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import fc from 'fast-check'
import type { RouteOptions } from 'fastify'
import { contactsFrom, guestBrowser, validForm } from '../../helpers/contact-us.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

const BODY_LIMIT = 32 * 1024
const MAX_FILE_SIZE = 8 * 1024

let smtp: SmtpSink
let parley: TestApp
let browser: HttpClient
/** The app's log, one JSON line each. */
const logLines: string[] = []

/**
 * Set by a test to hold the next contact-us form between its body's arrival and its handler, until its
 * client has gone: told once the body is whole.
 */
let holdUntilClientLeaves: (() => void) | undefined
const holdingContactUs = (route: RouteOptions) => {
  if (route.method !== 'POST' || route.url !== '/users/contact-us/') return
  route.preHandler = [
    ...[route.preHandler ?? []].flat(),
    async (_request, reply) => {
      const received = holdUntilClientLeaves
      if (!received) return
      holdUntilClientLeaves = undefined
      const gone = once(reply.raw, 'close')
      received()
      await gone
    },
  ]
}

before(async () => {
  smtp = await startSmtpSink()
  parley = await startTestApp({
    logger: {
      level: 'info',
      stream: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk))
          done()
        },
      }),
    },
    onRoute: holdingContactUs,
    env: {
      SMTP_URL: smtp.url,
      CONTACT_US_RATE_PER_MINUTE: '10000',
      BODY_LIMIT: String(BODY_LIMIT),
      CONTACT_US_MAX_FILE_SIZE: String(MAX_FILE_SIZE),
    },
  })
  browser = await guestBrowser(parley)
})
after(async () => {
  await parley.close()
  await smtp.close()
})

/** Every file under the blob folder: kept blobs, and partial ones still being received (in `incoming`). */
async function blobFiles() {
  const entries = await readdir(join(parley.dataDir, 'blobs'), {
    recursive: true,
    withFileTypes: true,
  }).catch(() => [])
  const files = entries.filter((entry) => entry.isFile())
  const arriving = (entry: (typeof files)[number]) => basename(entry.parentPath) === 'incoming'
  return {
    kept: files.filter((entry) => !arriving(entry)).map((entry) => entry.name),
    partial: files.filter(arriving).map((entry) => entry.name),
  }
}

async function eventually(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(what)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const isText = (content: Buffer) =>
  isUtf8(content) && !content.some((byte) => byte < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d, 0x1b].includes(byte))
const signatures: Record<string, (content: Buffer) => boolean> = {
  png: (content) =>
    content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  pdf: (content) => content.subarray(0, 5).toString('latin1') === '%PDF-',
  txt: isText,
}

/** The answer the storefront owes a file: its status and body, or 200 when it is accepted. */
function expected(extension: string, content: Buffer): { status: number; body?: unknown } {
  if (content.length > BODY_LIMIT) return { status: 413, body: { detail: 'Request body is too large.' } }
  const refused = (message: string) => ({ status: 400, body: { file: [message] } })
  const matches = signatures[extension]
  if (!matches) {
    return refused(
      `File extension “${extension}” is not allowed. Allowed extensions are: jpg, jpeg, png, gif, webp, pdf, txt.`,
    )
  }
  if (content.length === 0) return refused('The submitted file is empty.')
  if (content.length > MAX_FILE_SIZE) return refused('Ensure this file is no larger than 8.0 KB.')
  if (!matches(content)) return refused(`The file's content is not a valid ${extension} file.`)
  return { status: 200 }
}

/** A file of any size around the limits, made of a signature (or none) and a repeated piece of text or bytes. */
const upload = fc
  .record({
    extension: fc.constantFrom('txt', 'png', 'pdf', 'exe'),
    prefix: fc.constantFrom(
      Buffer.alloc(0),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('%PDF-1.4\n'),
    ),
    piece: fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((text) => Buffer.from(text)),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    ),
    length: fc.oneof(
      fc.integer({ min: 0, max: 64 }),
      fc.integer({ min: MAX_FILE_SIZE - 2, max: MAX_FILE_SIZE + 2 }),
      fc.integer({ min: BODY_LIMIT - 2, max: BODY_LIMIT + 2 }),
      fc.integer({ min: 0, max: BODY_LIMIT + 4096 }),
    ),
  })
  .map(({ extension, prefix, piece, length }) => {
    const body = Buffer.alloc(Math.max(0, length - prefix.length)).map(
      (_, index) => piece[index % piece.length] ?? 0,
    )
    return { extension, content: Buffer.concat([prefix, body]).subarray(0, length) }
  })

test('whatever file is sent, it is stored and mailed byte for byte or refused as it should be, leaving nothing behind', async () => {
  const accepted: { email: string; content: Buffer }[] = []
  await fc.assert(
    fc.asyncProperty(upload, async ({ extension, content }) => {
      const form = validForm(parley)
      const response = await browser.post('/users/contact-us/', {
        multipart: {
          ...Object.fromEntries(Object.entries(form).map(([name, value]) => [name, String(value)])),
          file: { filename: `upload.${extension}`, content },
        },
      })
      const answer = expected(extension, content)
      assert.equal(response.status, answer.status, `${content.length} bytes named .${extension}`)
      const [contact] = await contactsFrom(parley, form.email)
      if (answer.status !== 200) {
        assert.deepEqual(response.body, answer.body)
        assert.equal(contact, undefined)
        return
      }
      assert.equal(contact?.attachment?.size, content.length)
      const stored = await readFile(
        join(parley.dataDir, 'blobs', contact.attachment.key.slice(0, 2), contact.attachment.key),
      )
      assert.ok(stored.equals(content), 'stored as sent')
      accepted.push({ email: form.email, content })
    }),
    { numRuns: 60 },
  )

  const files = await blobFiles()
  assert.deepEqual(files.partial, [], 'no file left half received')
  assert.equal(files.kept.length, accepted.length, 'a blob for each accepted file, none for a refused one')
  const mails = await smtp.waitFor(accepted.length)
  for (const { email, content } of accepted) {
    const mail = mails.find((received) => received.raw.includes(email))
    assert.ok(mail?.raw.replace(/\r?\n/g, '').includes(content.toString('base64')), 'mailed as sent')
  }
})

const boundary = 'parley-abort-test'

/** A multipart contact-us body up to its file's content, which the caller sends (or not) itself. */
const formHead = (form: Record<string, unknown>, filename: string) =>
  Buffer.from(
    `${Object.entries(form)
      .map(
        ([name, value]) =>
          `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join('')}--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\n` +
      'content-type: text/plain\r\n\r\n',
  )

/** A contact-us request of the given length, as the browser sends it, on a connection the test can cut. */
function contactUsRequest(length: number) {
  const sending = request(new URL('/users/contact-us/', parley.baseUrl), {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(length),
      ...browser.cookieHeader(),
      [browser.csrfHeader]: browser.cookies.get(browser.csrfCookie) ?? '',
    },
  })
  sending.on('error', () => {})
  return sending
}

test('a client that goes away in the middle of a file leaves no file behind', async () => {
  const form = validForm(parley)
  const head = formHead(form, 'half.txt')
  const sending = contactUsRequest(head.length + 6000)
  sending.write(Buffer.concat([head, Buffer.alloc(3000, 'a')]))
  await eventually(async () => (await blobFiles()).partial.length > 0, 'the file is being received')
  sending.destroy()
  await eventually(async () => (await blobFiles()).partial.length === 0, 'the half file is removed')
  assert.deepEqual(await contactsFrom(parley, form.email), [])
})

test('a client that goes away after sending its whole form still has it stored and mailed, file and all', async () => {
  const form = validForm(parley)
  const content = Buffer.from(`Serial number ${crypto.randomUUID()}\n`.repeat(100))
  const body = Buffer.concat([formHead(form, 'serial.txt'), content, Buffer.from(`\r\n--${boundary}--\r\n`)])
  const logged = logLines.length
  const received = new Promise<void>((resolve) => {
    holdUntilClientLeaves = resolve
  })
  const sending = contactUsRequest(body.length)
  sending.end(body)
  await received
  sending.destroy()

  await eventually(async () => (await contactsFrom(parley, form.email)).length > 0, 'the form is stored')
  const [contact, ...others] = await contactsFrom(parley, form.email)
  assert.deepEqual(others, [], 'stored once')
  assert.equal(contact?.attachment?.filename, 'serial.txt')
  const key = contact.attachment.key
  assert.ok((await readFile(join(parley.dataDir, 'blobs', key.slice(0, 2), key))).equals(content), 'whole')
  await eventually(
    async () => smtp.received.some((mail) => mail.raw.includes(form.email)),
    'the form is mailed',
  )
  const mail = smtp.received.find((received) => received.raw.includes(form.email))
  assert.ok(mail?.raw.replace(/\r?\n/g, '').includes(content.toString('base64')), 'with its file')
  assert.deepEqual((await blobFiles()).partial, [], 'no file left half received')
  const failures = logLines
    .slice(logged)
    .map((line) => JSON.parse(line))
    .filter((line) => line.level >= 50 || line.status >= 500)
  assert.deepEqual(failures, [], 'nothing failed')
})
