import { Worker } from 'node:worker_threads'
import { type Call, DatabaseError, type Reply, type Request } from './pglite-protocol.ts'
import type { ThreadOptions } from './pglite-thread.ts'
import { preparedTexts } from './prepared.ts'

type QueryOptions = { rowMode?: 'array' | 'object' }
type Results = { rows: unknown[]; affectedRows?: number; fields: unknown[] }

/** What drizzle-orm/pglite's session calls on its client, and on a transaction's. */
export type Queryable = { query(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results> }

export type PgliteWorker = Queryable & {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  /** Runs `handler` for each notification on `channel` until the returned function is called. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>
  /** Told once if the thread ended without being closed: nothing more is heard or answered. */
  onLost(handler: () => void): void
  close(): Promise<void>
}

/**
 * The embedded PGlite in a worker thread of its own (pglite-thread.ts), so that its statements run beside
 * Parley's thread rather than stopping it. The thread keeps the process alive only while a call is waiting,
 * as the in-process PGlite did.
 */
export async function startPgliteWorker(options: ThreadOptions): Promise<PgliteWorker> {
  const worker = new Worker(new URL('./pglite-thread.ts', import.meta.url), { workerData: options })
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  const heard = new Map<number, (payload: string) => void>()
  const lostHandlers: (() => void)[] = []
  let lastCall = 0
  let lastListen = 0
  let closing = false
  let ended: Error | undefined

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(error)
    worker.once('error', failed)
    worker.once('message', (reply: Reply) => {
      worker.off('error', failed)
      if (reply.kind === 'ready' && reply.error !== undefined) reject(new DatabaseError(reply.error))
      else resolve()
    })
  })
  worker.unref()

  worker.on('message', (reply: Reply) => {
    if (reply.kind === 'notification') heard.get(reply.listenId)?.(reply.payload)
    if (reply.kind !== 'answer') return
    const call = waiting.get(reply.id)
    if (call === undefined) return
    waiting.delete(reply.id)
    if (waiting.size === 0) worker.unref()
    if (reply.ok) call.resolve(reply.value)
    else call.reject(new DatabaseError(reply.error))
  })
  const stop = (error: Error) => {
    ended ??= error
    for (const call of waiting.values()) call.reject(ended)
    waiting.clear()
    if (!closing) for (const lost of lostHandlers) lost()
  }
  worker.on('error', stop)
  worker.on('exit', (code) => stop(new Error(`the PGlite thread ended (exit code ${code})`)))

  function call<T>(request: Request): Promise<T> {
    if (ended !== undefined) return Promise.reject(ended)
    const id = ++lastCall
    if (waiting.size === 0) worker.ref()
    const answered = new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
    })
    worker.postMessage({ ...request, id } satisfies Call)
    return answered
  }

  const queryOn =
    (tx: number | undefined) =>
    (sql: string, params: unknown[] = [], options: QueryOptions = {}) =>
      call<Results>({
        op: 'query',
        sql,
        params,
        rowMode: options.rowMode ?? 'object',
        tx,
        named: preparedTexts.has(sql),
      })

  return {
    query: queryOn(undefined),
    async transaction(work) {
      const tx = await call<number>({ op: 'begin' })
      let result: Awaited<ReturnType<typeof work>>
      try {
        result = await work({ query: queryOn(tx) })
      } catch (error) {
        await call({ op: 'end', tx, commit: false }).catch(() => {})
        throw error
      }
      await call({ op: 'end', tx, commit: true })
      return result
    },
    async listen(channel, handler) {
      const listenId = ++lastListen
      heard.set(listenId, handler)
      await call({ op: 'listen', channel, listenId })
      return async () => {
        heard.delete(listenId)
        if (ended === undefined) await call({ op: 'unlisten', listenId })
      }
    },
    onLost(handler) {
      lostHandlers.push(handler)
    },
    async close() {
      if (ended !== undefined) return
      closing = true
      const exited = new Promise((resolve) => worker.once('exit', resolve))
      await call({ op: 'close' })
      // Held until the thread has ended: a caller awaiting close() must not find the process gone.
      worker.ref()
      await exited
    },
  }
}
