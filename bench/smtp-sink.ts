import { SMTPServer } from 'smtp-server'

/** The headers end at the first blank line; a message's Message-ID is one of them. */
const HEADERS_END = /\r?\n\r?\n/
const MESSAGE_ID = /^message-id:\s*(<[^>\r\n]*>)/im

/**
 * A real SMTP server on loopback that notes the Message-ID of each email it accepts and keeps nothing else.
 * While `refusing`, it answers every message with 451, as a server in trouble would.
 */
export async function startSmtpSink() {
  /** The Message-IDs of the accepted emails in the order they came ('' for one without). */
  const received: string[] = []
  let refusing = false
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = ''
      stream.on('data', (chunk: Buffer) => {
        // Only the headers are read: an attachment's megabytes pass through.
        if (head.length < 64 * 1024 && !HEADERS_END.test(head)) head += chunk.toString('latin1')
      })
      stream.on('end', () => {
        if (refusing) {
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
          return
        }
        received.push(MESSAGE_ID.exec(head.split(HEADERS_END, 1)[0] ?? '')?.[1] ?? '')
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse(value: boolean) {
      refusing = value
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>
