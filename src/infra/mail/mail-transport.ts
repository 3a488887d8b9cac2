import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type Nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'

// nodemailer's CommonJS build: its ES build imports `node:http` as an ES module, which loads Node's fetch
// implementation for good (see infra/node-http.ts).
const nodemailer: typeof Nodemailer = createRequire(import.meta.url)('nodemailer')

/** A message ready for the wire; `messageId` is stable, so a resend after a crash is recognisable. */
export type MailMessage = Mail.Options & { messageId: string }

export type MailTransport = {
  send(message: MailMessage): Promise<void>
  close(): void
}

/** SMTP when `smtpUrl` is set, else each message written as an `.eml` file (embedded mode). */
export function createMailTransport(options: {
  smtpUrl: string | undefined
  mailDir: string
}): MailTransport {
  if (options.smtpUrl) {
    // Pooled: the worker sends its batch over a few kept-open connections instead of a handshake per email.
    // nodemailer's default of 100 messages a connection made reconnecting most of a busy outbox's cost; a
    // server with a lower limit closes the connection, the outbox retries, and the URL can set it
    // (`?maxMessages=50`).
    const transporter = nodemailer.createTransport({ url: options.smtpUrl, pool: true, maxMessages: 1000 })
    return {
      async send(message) {
        await transporter.sendMail(message)
      },
      close: () => transporter.close(),
    }
  }
  // Streamed to its file as nodemailer writes it: the outbox sends a batch at once, and a batch of messages
  // with large files, each held whole as base64, took memory the process kept afterwards.
  const transporter = nodemailer.createTransport({ streamTransport: true, newline: 'unix' })
  return {
    async send(message) {
      // nodemailer's stream transport keeps Bcc in the headers it writes; an SMTP server never sees them, and
      // neither should the file that stands in for what was sent. The file has no envelope, so the Bcc
      // recipients are not in it at all.
      const { bcc: _bcc, ...sent } = message
      await mkdir(options.mailDir, { recursive: true })
      const name = message.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')
      const file = join(options.mailDir, `${name}.eml`)
      // Written aside and renamed, so a file under the name is always a whole message; rewriting it on a
      // retry keeps one copy per message, as an SMTP server would dedupe.
      const part = `${file}.part`
      // Piped the moment nodemailer answers: the message starts reading its attachments at once, and an
      // error (a file gone) it emits before the pipe is attached is lost, leaving the send waiting forever.
      const info = await transporter.sendMail(sent)
      try {
        await pipeline(info.message as Readable, createWriteStream(part))
      } catch (error) {
        await rm(part, { force: true })
        throw error
      }
      await rename(part, file)
    },
    close: () => transporter.close(),
  }
}
