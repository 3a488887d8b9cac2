/**
 * The load generator, a process of its own so that it never shares an event loop with a server under test:
 * runs one scenario against one server with autocannon for a fixed time and prints the result as JSON.
 */
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { cpuClock } from './processes.ts'
import { scenarioNamed } from './scenarios.ts'
import type { Fixture } from './shape.ts'

export type DriveJob = {
  url: string
  /** The server's process, whose CPU time the run reads. */
  pid: number
  scenario: string
  target: 'parley' | 'floor'
  connections: number
  durationSeconds: number
  warmupSeconds: number
  fixture: Fixture
}

export type DriveResult = {
  requests: number
  rps: number
  p50: number
  p99: number
  /** Socket errors and timeouts. */
  errors: number
  non2xx: number
  statusCodes: Record<string, number>
  /** The warm-up's 2xx answers: what it wrote counts with the measured run's in a write's accounting. */
  warmupAnswered: number
  /** The first non-2xx answer, so a failing scenario says why. */
  sample?: { status: number; body: string }
  /**
   * CPU time per request of the measured run, non-2xx ones included, in microseconds: the server process's,
   * and the whole machine's (the server, PostgreSQL, this driver and anything else running). Absent where
   * /proc cannot be read.
   */
  cpuUs?: { server: number; machine: number }
}

const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as DriveJob
const scenario = scenarioNamed(job.scenario)
const plan = job.target === 'parley' ? scenario.parley : scenario.floor
if (!plan) throw new Error(`${job.scenario} has no ${job.target} plan`)

let next = 0
let sample: DriveResult['sample']
const steps = scenario.steps ?? 1
// A connection takes the next `steps` numbers at its first step and sends their requests in order; autocannon
// keeps `context` per connection and clears it when the connection starts over at the first step.
const requests = Array.from({ length: steps }, (_, step) => ({
  setupRequest: (request: autocannon.Request, context: { first?: number }) => {
    if (step === 0) {
      context.first = next
      next += steps
    }
    const built = plan(job.fixture, (context.first ?? 0) + step)
    return {
      ...request,
      method: built.method,
      path: built.path,
      headers: built.headers,
      body: built.body,
    }
  },
  onResponse: (status: number, body: string) => {
    if ((status < 200 || status > 299) && sample === undefined) sample = { status, body: body.slice(0, 300) }
  },
}))

const run = (duration: number) => {
  const options = { url: job.url, connections: job.connections, duration, timeout: 10, requests }
  return autocannon(options as autocannon.Options)
}

// The warm-up is a run of its own, so the CPU clocks are read where the measured run begins and ends.
const warmup = job.warmupSeconds > 0 ? await run(job.warmupSeconds) : undefined
const before = cpuClock(job.pid)
const result = await run(job.durationSeconds)
const after = cpuClock(job.pid)
const statusCodes: Record<string, number> = {}
for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0
const output: DriveResult = {
  requests: result.requests.total,
  rps: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
  statusCodes,
  warmupAnswered: warmup?.['2xx'] ?? 0,
  sample,
  cpuUs:
    before && after && result.requests.total > 0
      ? {
          server: ((after.processSeconds - before.processSeconds) * 1e6) / result.requests.total,
          machine: ((after.machineSeconds - before.machineSeconds) * 1e6) / result.requests.total,
        }
      : undefined,
}
process.stdout.write(`${JSON.stringify(output)}\n`)
