import type { Database } from '../db/client.ts'
import type { Listener } from '../db/listener.ts'
import type { EmailPayload } from '../domain/outbox/email.ts'
import {
  type ClaimedEntry,
  type DeliveryFailure,
  OUTBOX_CHANNEL,
  outboxRepository,
} from '../domain/outbox/outbox-repository.ts'
import type { BlobStore } from '../infra/blobs/blob-store.ts'
import { type Clock, systemClock } from '../infra/clock.ts'
import { withoutAddresses } from '../infra/log-errors.ts'
import type { MailTransport } from '../infra/mail/mail-transport.ts'
import type { JobLog } from './job-log.ts'

export type OutboxWorkerOptions = {
  database: Database
  /** Wakes the worker when another instance queues an email, and once it hears again after a loss. */
  listener: Listener
  transport: MailTransport
  blobs: BlobStore
  mailFrom: string
  log: JobLog
  pollMs: number
  retryBaseMs: number
  maxAttempts: number
  batchSize?: number
  leaseMs?: number
  /**
   * Awaited before each claim, so that delivery can wait for a moment when the instance has CPU to spare
   * (see app.ts); it must resolve, at the latest, after a bounded time.
   */
  giveWay?: () => Promise<void>
  /**
   * How the worker waits between claims: `ms`, or less once `signal` aborts. A test passes its own, to see
   * each wait begin and end it when it chooses instead of waiting out the time.
   */
  sleep?: Clock['sleep']
}

/**
 * Delivers the outbox: claims due entries (shared safely by every instance), sends them, and reschedules
 * failures with exponential backoff. Delivery is at least once; each email's Message-ID is fixed when it is
 * queued, so a resend after a crash is the same message.
 */
export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { database, transport, blobs, log } = options
  // Each batch costs a claim and a mark-sent statement whatever its size, so a busy outbox wants big ones.
  const batchSize = options.batchSize ?? 50
  const leaseMs = options.leaseMs ?? 60_000
  const sleep = options.sleep ?? systemClock.sleep
  let running = false
  let loop: Promise<void> | undefined
  /** Ends the worker's current wait, if any. */
  let interrupt: (() => void) | undefined
  let waitingForNews = false
  /** Something was queued while the worker was busy: its claim may have run too early to see it. */
  let newsWhileBusy = false
  let unlisten: (() => void) | undefined
  /** Entries whose sends were recorded (as sent or failed), since the worker was made. */
  let recorded = 0
  /** What this worker has done since it started, per kind, for /metrics. */
  const tally = {
    delivered: new Map<string, number>(),
    retried: new Map<string, number>(),
    failed: new Map<string, number>(),
  }
  const count = (outcome: keyof typeof tally, kind: string) =>
    tally[outcome].set(kind, (tally[outcome].get(kind) ?? 0) + 1)

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
      inReplyTo: email.inReplyTo,
      references: email.references,
      // Read from disk as the email is written: a batch of emails with large files never sits whole in memory.
      attachments: email.attachments.map((file) => ({
        filename: file.filename,
        contentType: file.contentType,
        path: blobs.pathOf(file.blobKey),
      })),
    })
  }

  /** Sends one entry; a failure is logged here and told to the caller to record with the batch. */
  async function deliver(entry: ClaimedEntry): Promise<DeliveryFailure | undefined> {
    try {
      await send(entry)
      count('delivered', entry.kind)
      return undefined
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const retryInMs = entry.attempts >= options.maxAttempts ? null : retryDelay(entry.attempts)
      count(retryInMs === null ? 'failed' : 'retried', entry.kind)
      log.warn(
        { outboxId: entry.id, attempts: entry.attempts, retryInMs, reason: withoutAddresses(reason) },
        'outbox delivery failed',
      )
      return { id: entry.id, error: reason.slice(0, 1000), retryInMs }
    }
  }

  /** Delivers what is due now; returns how many entries it claimed and how many of them went out. */
  async function runOnce(): Promise<{ claimed: number; delivered: number }> {
    const entries = await outboxRepository.claim(database.db, batchSize, leaseMs)
    if (entries.length === 0) return { claimed: 0, delivered: 0 }
    const lease = keepLeased(entries.map((entry) => entry.id))
    let failures: (DeliveryFailure | undefined)[]
    try {
      failures = await Promise.all(entries.map(deliver))
    } finally {
      await lease.end()
    }
    const outcome = await record(entries, failures)
    recorded += entries.length
    return outcome
  }

  /**
   * Renews the lease on a batch while its sends are under way: a slow SMTP server must not let the lease
   * run out and another instance claim, and send again, what this one is still sending.
   */
  function keepLeased(ids: number[]) {
    let renewal: Promise<void> = Promise.resolve()
    const timer = setInterval(() => {
      renewal = outboxRepository.extendLease(database.db, ids, leaseMs).catch((error: unknown) => {
        log.warn({ err: error }, 'outbox lease could not be renewed')
      })
    }, leaseMs / 3)
    return {
      /** Stops renewing, once any renewal under way has landed, so none outlasts the batch's record. */
      async end() {
        clearInterval(timer)
        await renewal
      },
    }
  }

  async function record(entries: ClaimedEntry[], failures: (DeliveryFailure | undefined)[]) {
    // One statement each for the batch's sent and failed entries: should one fail, the lease runs out and
    // those entries go again, a sent one under the Message-ID it was queued with.
    await outboxRepository.markSent(
      database.db,
      entries.filter((_, index) => failures[index] === undefined).map((entry) => entry.id),
    )
    const failed = failures.filter((failure) => failure !== undefined)
    await outboxRepository.markFailed(database.db, failed)
    return { claimed: entries.length, delivered: entries.length - failed.length }
  }

  /** Waits `ms`, or less when stopped or, if `untilNews`, when an entry is queued. */
  function wait(ms: number, untilNews: boolean) {
    const interrupted = new AbortController()
    waitingForNews = untilNews
    interrupt = () => interrupted.abort()
    return sleep(ms, interrupted.signal).finally(() => {
      interrupt = undefined
      waitingForNews = false
    })
  }

  /** Ends a wait for news at once, or, if the worker is busy, has it claim again before it next waits. */
  function wake() {
    if (waitingForNews) interrupt?.()
    else newsWhileBusy = true
  }

  async function run() {
    while (running) {
      await options.giveWay?.()
      if (!running) break
      let outcome = { claimed: 0, delivered: 0 }
      // A claim sees everything queued before it starts: only news after this point needs another.
      newsWhileBusy = false
      try {
        outcome = await runOnce()
      } catch (error) {
        log.error({ err: error }, 'outbox worker could not claim entries')
      }
      if (!running) break
      if (outcome.claimed === 0) {
        if (!newsWhileBusy) await wait(options.pollMs, true)
      }
      // A server that refused a whole batch gets a pause, not the next batch at once: in an outage the
      // worker would otherwise try every new email as soon as it is queued, fail it, and log it.
      else if (outcome.delivered === 0) await wait(options.pollMs, false)
    }
  }

  return {
    async start() {
      if (running) return
      running = true
      unlisten = await options.listener.subscribe(OUTBOX_CHANNEL, { notify: wake, heard: wake })
      loop = run()
    },
    /**
     * Stops claiming and waits for the sends under way (and their recording), so a graceful shutdown loses
     * nothing in flight; what is still queued stays queued for the next start. Returns how many sends it
     * waited for.
     */
    async stop(): Promise<{ finishedSends: number }> {
      const recordedBefore = recorded
      running = false
      interrupt?.()
      await loop
      loop = undefined
      const stopListening = unlisten
      unlisten = undefined
      stopListening?.()
      return { finishedSends: recorded - recordedBefore }
    },
    /** How many emails wait to be sent, by any instance. */
    queued: () => outboxRepository.countPending(database.db),
    /**
     * Tells the worker that entries were queued and committed. An instance's own submissions call this
     * directly; other instances hear of them through `OUTBOX_CHANNEL`.
     */
    wake,
    runOnce,
    tally,
  }
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>
