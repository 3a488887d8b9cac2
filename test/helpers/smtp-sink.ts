import { SMTPServer } from 'smtp-server'

export type ReceivedMail = {
  from: string
  recipients: string[]
  raw: string
  headers: Map<string, string>
  body: string
}

/** Unfolds and indexes the header block of a raw message (lower-case names, last one wins). */
function parseHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n')
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of head.split(/\r?\n/)) {
    const index = line.indexOf(':')
    if (index > 0) headers.set(line.slice(0, index).toLowerCase(), line.slice(index + 1).trim())
  }
  return { headers, body: raw.slice(split).trim() }
}

/**
 * A real SMTP server on loopback that keeps what it receives. `refuse(n)` makes it answer the next n messages
 * with a temporary failure (451), as a server in trouble would; `hold()` makes it keep senders waiting for
 * its answer until `release()`, as a slow one would.
 */
export async function startSmtpSink() {
  const received: ReceivedMail[] = []
  let refusals = 0
  let refusedCount = 0
  let holding = false
  const held: { mail: ReceivedMail; answer: () => void }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusals > 0) {
          refusals -= 1
          refusedCount += 1
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 })
          callback(error)
          return
        }
        const raw = Buffer.concat(chunks).toString('utf8')
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw,
          ...parseHeaders(raw),
        }
        if (holding) {
          held.push({ mail, answer: () => callback() })
          return
        }
        received.push(mail)
        callback()
      })
    },
  })
  // A sender that dies mid-conversation (a killed instance) resets its connection: nothing to report.
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuse(count: number) {
      refusals = count
    },
    /** Stops listening, as a server that is down: connections are refused until `up`. */
    down: () => new Promise<void>((resolve) => server.server.close(() => resolve())),
    /** Listens again on the same port. */
    up: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    /** How many times each Message-ID arrived. */
    arrivals() {
      const counts = new Map<string, number>()
      for (const mail of received) {
        const id = mail.headers.get('message-id') ?? ''
        counts.set(id, (counts.get(id) ?? 0) + 1)
      }
      return counts
    },
    get refusedCount() {
      return refusedCount
    },
    hold() {
      holding = true
    },
    /** The messages kept waiting for an answer since `hold()`. */
    held: () => held.map(({ mail }) => mail),
    /** Accepts every message held, and answers the next ones at once again. */
    release() {
      holding = false
      for (const { mail, answer } of held.splice(0)) {
        received.push(mail)
        answer()
      }
    },
    /** Waits until `count` messages have arrived, or fails after `timeoutMs`. */
    async waitFor(count: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, got ${received.length}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return received
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>
