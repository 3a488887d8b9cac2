/**
 * The worker thread that owns the embedded PGlite: each statement runs here, so Parley's own thread goes on
 * answering HTTP while PostgreSQL works, as it does beside a server. Started by pglite-worker.ts.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads'
import { PGlite, parse, protocol, type Transaction, types } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { compilePglite } from './pglite-module.ts'
import { type Call, type Reply, sendError } from './pglite-protocol.ts'

export type ThreadOptions = { folder: string | undefined; postgresqlconf: string[] }

if (parentPort === null) throw new Error('pglite-thread.ts runs as a worker thread')
const port: MessagePort = parentPort
const post = (reply: Reply) => port.postMessage(reply)
const { folder, postgresqlconf } = workerData as ThreadOptions

// drizzle-orm/pglite's own parsers: dates and intervals stay text, as drizzle maps them itself.
const raw = (value: string) => value
const parsers = Object.fromEntries(
  [types.TIMESTAMP, types.TIMESTAMPTZ, types.INTERVAL, types.DATE, 1231, 1115, 1185, 1187, 1182].map(
    (oid) => [oid, raw],
  ),
)

// pg_trgm backs the staff contact search index; a PostgreSQL server ships it in contrib.
const client = new PGlite({
  dataDir: folder,
  extensions: { pg_trgm },
  postgresqlconf,
  pgliteWasmModule: await compilePglite(),
})

type End = Extract<Call, { op: 'end' }>

const transactions = new Map<number, Transaction>()
const endings = new Map<number, (call: End) => void>()
const unlistens = new Map<number, () => Promise<void>>()
let lastTransaction = 0

/** The statements kept parsed under a name, by text, with their parameters' types. */
const namedStatements = new Map<string, { name: string; types: number[] }>()

/**
 * Runs a statement under a name of its own, parsed once: PGlite's `query` parses and plans each statement
 * anew, which for Parley's larger statements took as long as running them. PostgreSQL plans a named
 * statement as it does on a server: five plans of its own, then a generic one if that is no worse. Bind,
 * execute and sync go as one message, so a failed bind still ends with the sync its error waits for.
 */
async function runNamed(sql: string, params: unknown[], rowMode: 'array' | 'object', inTransaction: boolean) {
  const run = async () => {
    const send = (message: Uint8Array) => client.execProtocolStream(message, { syncToFs: false })
    let statement = namedStatements.get(sql)
    if (statement === undefined) {
      const name = `parley_${namedStatements.size + 1}`
      const described = await send(
        concat(
          protocol.serialize.parse({ name, text: sql }),
          protocol.serialize.describe({ type: 'S', name }),
          protocol.serialize.sync(),
        ),
      )
      statement = { name, types: parse.parseDescribeStatementResults(described) }
      namedStatements.set(sql, statement)
    }
    const { types: oids } = statement
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null
      const serialize = client.serializers[oids[i] ?? 0]
      return serialize ? serialize(param) : String(param)
    })
    const results = await send(
      concat(
        protocol.serialize.bind({ statement: statement.name, values }),
        protocol.serialize.describe({ type: 'P' }),
        protocol.serialize.execute({}),
        protocol.serialize.sync(),
      ),
    )
    if (!inTransaction) await client.syncToFs()
    return parse.parseResults(results, client.parsers, { rowMode, parsers })[0]
  }
  // Outside a transaction it waits, as `query` does, for any transaction under way to end.
  return inTransaction
    ? client.runExclusive(run)
    : client._runExclusiveTransaction(() => client.runExclusive(run))
}

const concat = (...messages: Uint8Array[]) => Buffer.concat(messages)

function answer(id: number, work: Promise<unknown>) {
  work.then(
    (value) => {
      try {
        post({ kind: 'answer', id, ok: true, value })
      } catch (error) {
        // A value that cannot cross (none of PostgreSQL's types should): the caller hears why, not nothing.
        post({ kind: 'answer', id, ok: false, error: sendError(error) })
      }
    },
    (error: unknown) => post({ kind: 'answer', id, ok: false, error: sendError(error) }),
  )
}

/**
 * Starts a transaction and holds PGlite's one connection until its `end` call arrives, which is answered once
 * COMMIT (or ROLLBACK) ran. A failed BEGIN answers the `begin` call instead.
 */
function begin(id: number) {
  const tx = ++lastTransaction
  let endCall: End | undefined
  const ended = client.transaction(async (handle) => {
    transactions.set(tx, handle)
    post({ kind: 'answer', id, ok: true, value: tx })
    endCall = await new Promise<End>((resolve) => endings.set(tx, resolve))
    if (!endCall.commit) await handle.rollback()
  })
  ended.then(
    () => post({ kind: 'answer', id: endCall?.id ?? id, ok: true, value: undefined }),
    (error: unknown) => post({ kind: 'answer', id: endCall?.id ?? id, ok: false, error: sendError(error) }),
  )
}

function end(call: End) {
  const resume = endings.get(call.tx)
  transactions.delete(call.tx)
  endings.delete(call.tx)
  if (resume === undefined) answer(call.id, Promise.reject(new Error('the transaction has ended')))
  else resume(call)
}

function handle(call: Call) {
  switch (call.op) {
    case 'query': {
      const on = call.tx === undefined ? client : transactions.get(call.tx)
      if (on === undefined) {
        answer(call.id, Promise.reject(new Error('the transaction has ended')))
        return
      }
      answer(
        call.id,
        call.named
          ? runNamed(call.sql, call.params, call.rowMode, call.tx !== undefined)
          : on.query(call.sql, call.params, { rowMode: call.rowMode, parsers }),
      )
      return
    }
    case 'begin':
      begin(call.id)
      return
    case 'end':
      end(call)
      return
    case 'listen':
      answer(
        call.id,
        client
          .listen(call.channel, (payload) => post({ kind: 'notification', listenId: call.listenId, payload }))
          .then((unlisten) => {
            unlistens.set(call.listenId, unlisten)
          }),
      )
      return
    case 'unlisten': {
      const unlisten = unlistens.get(call.listenId)
      unlistens.delete(call.listenId)
      answer(call.id, unlisten?.() ?? Promise.resolve())
      return
    }
    case 'close':
      // Once closed, the port's closing lets the thread end.
      client.close().then(
        () => {
          post({ kind: 'answer', id: call.id, ok: true, value: undefined })
          port.close()
        },
        (error: unknown) => post({ kind: 'answer', id: call.id, ok: false, error: sendError(error) }),
      )
      return
  }
}

client.waitReady.then(
  () => {
    port.on('message', handle)
    post({ kind: 'ready' })
  },
  (error: unknown) => post({ kind: 'ready', error: sendError(error) }),
)
