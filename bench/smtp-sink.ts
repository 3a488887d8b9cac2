import { SMTPServer } from 'smtp-server'

/**
 * A real SMTP server on loopback that counts what it accepts and keeps nothing. While `refusing`, it answers
 * every message with 451, as a server in trouble would.
 */
export async function startSmtpSink() {
  const counts = { accepted: 0, refused: 0 }
  let refusing = false
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume()
      stream.on('end', () => {
        if (refusing) {
          counts.refused += 1
          callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
          return
        }
        counts.accepted += 1
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    counts,
    refuse(value: boolean) {
      refusing = value
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>
