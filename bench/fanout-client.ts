/**
 * The fan-out's clients, a process of their own so they never share an event loop with a server under test:
 * holds event streams open, posts messages at a fixed rate once told to, and times each message from its
 * POST's answer to its arrival on every stream of its dialog's parties. Driven over IPC by fanout.ts.
 */
import http from 'node:http'
import { holderKey, holdersOf, messageOf, streamRequest } from './fanout-plan.ts'
import type { Fixture } from './shape.ts'

export type FanOutJob = {
  streamsUrl: string
  postsUrl: string
  fixture: Fixture
  streams: number
  ratePerSecond: number
  seconds: number
  /** How long the last messages' events may take before the ones missing are counted lost. */
  graceMs: number
}

export type StreamsOpened = { opened: number; refused: number; openSeconds: number; sample?: string }

export type FanOutResult = StreamsOpened & {
  /** Streams that ended before the run did. */
  dropped: number
  posted: number
  postFailures: number
  postSample?: string
  /** Deliveries of `message.created` owed: each posted message to each open stream of its two parties. */
  expected: number
  received: number
  duplicates: number
  /** Deliveries to a stream of neither party. */
  unexpected: number
  /** From the POST's answer to the event's arrival, in ms; 0 where the event came first. */
  latencyMs: { p50: number; p99: number; max: number }
}

/** How many streams are being opened at once: enough to open thousands quickly, few enough not to time out. */
const OPENING_AT_ONCE = 100

const job = await new Promise<FanOutJob>((resolve) =>
  process.once('message', (job) => resolve(job as FanOutJob)),
)
const holders = holdersOf(job.fixture.shape, job.streams)
/** The open streams of each party key. */
const streamsOf = new Map<string, number[]>()
/** Per message id, when it arrived on each stream. */
const arrivals = new Map<number, Map<number, number>>()
let duplicates = 0
let dropped = 0
let closing = false

const readBlock = (stream: number, block: string, at: number) => {
  if (!block.includes('event: message.created')) return
  const data = block.split('\n').find((line) => line.startsWith('data: '))
  const id = Number(JSON.parse(data?.slice(6) ?? 'null')?.data?.message?.id)
  const seen = arrivals.get(id) ?? new Map<number, number>()
  if (seen.has(stream)) duplicates += 1
  else seen.set(stream, at)
  arrivals.set(id, seen)
}

// No keep-alive and no socket limit: each stream is a connection of its own, held until the process exits.
const streamAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })

/** Resolves once the stream answered (200 or not) or failed; true when it is open. */
function openStream(stream: number, failures: string[]) {
  const holder = holders[stream % holders.length]
  if (!holder) throw new Error('no holders')
  const { path, headers } = streamRequest(job.fixture, holder)
  return new Promise<boolean>((resolve) => {
    const request = http.request(
      new URL(path, job.streamsUrl),
      { agent: streamAgent, headers },
      (response) => {
        if (response.statusCode !== 200) {
          failures.push(`${path} answered ${response.statusCode}`)
          response.resume()
          resolve(false)
          return
        }
        response.setEncoding('utf8')
        let buffer = ''
        response.on('data', (chunk: string) => {
          const at = performance.now()
          buffer += chunk
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            readBlock(stream, buffer.slice(0, end), at)
            buffer = buffer.slice(end + 2)
          }
        })
        response.on('close', () => {
          if (!closing) dropped += 1
        })
        const key = holderKey(holder)
        streamsOf.set(key, [...(streamsOf.get(key) ?? []), stream])
        resolve(true)
      },
    )
    request.on('error', (error) => {
      failures.push(`${path}: ${error.message}`)
      resolve(false)
    })
    request.end()
  })
}

async function openAll(): Promise<StreamsOpened> {
  const started = performance.now()
  const failures: string[] = []
  let next = 0
  let opened = 0
  const opener = async () => {
    while (next < job.streams) if (await openStream(next++, failures)) opened += 1
  }
  await Promise.all(Array.from({ length: OPENING_AT_ONCE }, opener))
  return {
    opened,
    refused: job.streams - opened,
    openSeconds: (performance.now() - started) / 1000,
    sample: failures[0],
  }
}

const postAgent = new http.Agent({ keepAlive: true, maxSockets: 64 })
type Post = { answeredAt: number; recipients: string[] }

function post(n: number, posts: Map<number, Post>, failures: string[]) {
  const message = messageOf(job.fixture, holders, n)
  return new Promise<void>((resolve) => {
    const request = http.request(
      new URL(message.path, job.postsUrl),
      { method: 'POST', agent: postAgent, headers: message.headers },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => {
          body += chunk
        })
        response.on('end', () => {
          const answeredAt = performance.now()
          if (response.statusCode === 201)
            posts.set(Number(JSON.parse(body).data.id), { answeredAt, recipients: message.recipients })
          else failures.push(`${response.statusCode} ${body.slice(0, 300)}`)
          resolve()
        })
      },
    )
    request.on('error', (error) => {
      failures.push(error.message)
      resolve()
    })
    request.end(message.body)
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

/** Posts at the fixed rate whatever the answers take (an open loop), then waits for the events owed. */
async function postAll() {
  const posts = new Map<number, Post>()
  const failures: string[] = []
  const pending: Promise<void>[] = []
  const total = Math.round(job.ratePerSecond * job.seconds)
  const started = performance.now()
  for (let n = 0; n < total; n++) {
    await sleep(started + (n * 1000) / job.ratePerSecond - performance.now())
    pending.push(post(n, posts, failures))
  }
  await Promise.all(pending)
  const owed = (id: number, { recipients }: Post) =>
    recipients.flatMap((key) => streamsOf.get(key) ?? []).filter((stream) => !arrivals.get(id)?.has(stream))
  const deadline = performance.now() + job.graceMs
  while ([...posts].some(([id, sent]) => owed(id, sent).length > 0) && performance.now() < deadline)
    await sleep(50)
  return { posts, failures }
}

/** The q-quantile of ascending `sorted` by nearest rank. */
const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0

function tally(posts: Map<number, Post>) {
  let expected = 0
  let unexpected = 0
  const latencies: number[] = []
  for (const [id, { answeredAt, recipients }] of posts) {
    const owedTo = new Set(recipients.flatMap((key) => streamsOf.get(key) ?? []))
    expected += owedTo.size
    for (const [stream, at] of arrivals.get(id) ?? []) {
      if (owedTo.has(stream)) latencies.push(Math.max(0, at - answeredAt))
      else unexpected += 1
    }
  }
  latencies.sort((a, b) => a - b)
  return {
    expected,
    received: latencies.length,
    unexpected,
    latencyMs: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
  }
}

const send = (message: unknown) => new Promise<void>((resolve) => process.send?.(message, () => resolve()))

const opened = await openAll()
await send({ kind: 'opened', opened })
await new Promise((resolve) => process.once('message', resolve))
const { posts, failures } = await postAll()
const result: FanOutResult = {
  ...opened,
  dropped,
  posted: posts.size + failures.length,
  postFailures: failures.length,
  postSample: failures[0],
  duplicates,
  ...tally(posts),
}
closing = true
await send({ kind: 'result', result })
process.exit(0)
