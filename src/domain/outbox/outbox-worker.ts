import type { FastifyBaseLogger } from 'fastify'
import type { Database } from '../../db/client.ts'
import type { BlobStore } from '../../infra/blobs/blob-store.ts'
import type { MailTransport } from '../../infra/mail/mail-transport.ts'
import type { EmailPayload } from './email.ts'
import { type ClaimedEntry, OUTBOX_CHANNEL, outboxRepository } from './outbox-repository.ts'

export type OutboxWorkerOptions = {
  database: Database
  transport: MailTransport
  blobs: BlobStore
  mailFrom: string
  log: FastifyBaseLogger
  pollMs: number
  retryBaseMs: number
  maxAttempts: number
  batchSize?: number
  leaseMs?: number
}

/**
 * Delivers the outbox: claims due entries (shared safely by every instance), sends them, and reschedules
 * failures with exponential backoff. Delivery is at least once; each email's Message-ID is fixed when it is
 * queued, so a resend after a crash is the same message.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { database, transport, blobs, log } = options
  // A claim and a mark-sent per 50 emails: at 10, those two statements were a sixth of a busy outbox's cost.
  const batchSize = options.batchSize ?? 50
  const leaseMs = options.leaseMs ?? 60_000
  let running = false
  let loop: Promise<void> | undefined
  let wake: (() => void) | undefined
  let unlisten: (() => Promise<void>) | undefined

  const retryDelay = (attempts: number) => Math.min(options.retryBaseMs * 2 ** (attempts - 1), 15 * 60_000)

  async function send(entry: ClaimedEntry) {
    const email = entry.payload as EmailPayload
    await transport.send({
      messageId: email.messageId,
      from: options.mailFrom,
      to: email.to,
      cc: email.cc,
      bcc: email.bcc,
      replyTo: email.replyTo ?? undefined,
      subject: email.subject,
      text: email.text,
      attachments: await Promise.all(
        email.attachments.map(async (file) => ({
          filename: file.filename,
          contentType: file.contentType,
          content: await blobs.read(file.blobKey),
        })),
      ),
    })
  }

  /** Sends one entry; a failure is recorded here, a success is told to the caller to record with the batch. */
  async function deliver(entry: ClaimedEntry): Promise<boolean> {
    try {
      await send(entry)
      return true
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const retryInMs = entry.attempts >= options.maxAttempts ? null : retryDelay(entry.attempts)
      log.warn({ outboxId: entry.id, attempts: entry.attempts, retryInMs, reason }, 'outbox delivery failed')
      await outboxRepository.markFailed(database.db, entry.id, reason.slice(0, 1000), retryInMs)
      return false
    }
  }

  /** Delivers what is due now; returns how many entries it claimed. */
  async function runOnce(): Promise<number> {
    const entries = await outboxRepository.claim(database.db, batchSize, leaseMs)
    const delivered = await Promise.all(entries.map(deliver))
    // One statement for the batch: should it fail, the lease runs out and the sent ones go again, under the
    // Message-ID they were queued with.
    await outboxRepository.markSent(
      database.db,
      entries.filter((_, index) => delivered[index]).map((entry) => entry.id),
    )
    return entries.length
  }

  async function run() {
    while (running) {
      let claimed = 0
      try {
        claimed = await runOnce()
      } catch (error) {
        log.error({ err: error }, 'outbox worker could not claim entries')
      }
      if (claimed === 0 && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, options.pollMs)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        wake = undefined
      }
    }
  }

  return {
    async start() {
      if (running) return
      running = true
      unlisten = await database.listen(OUTBOX_CHANNEL, () => wake?.())
      loop = run()
    },
    /** Stops claiming and waits for the sends under way, so a graceful shutdown loses nothing in flight. */
    async stop() {
      running = false
      wake?.()
      await loop
      await unlisten?.()
    },
    runOnce,
  }
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>
