/**
 * Issue 29's realtime fan-out: thousands of event streams held open on one Parley while messages are posted
 * at a fixed rate, on the same instance and then on a second one sharing its database. Each run has fresh
 * instances, so the streams' memory is measured against a baseline no other scenario has grown.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { FanOutJob, FanOutResult, StreamsOpened } from './fanout-client.ts'
import type { FanOutRow } from './fanout-report.ts'
import { residentMb, type ServerProcess } from './processes.ts'
import type { Fixture, SizeName } from './shape.ts'

/** Its name for `--only`. */
export const FAN_OUT = { name: 'fan-out' }

export type FanOutPlan = {
  streams: number
  ratePerSecond: number
  seconds: number
  /** How long an instance is left idle before its memory is read, so the garbage of what it just did can go. */
  settleMs: number
}

export const fanOutPlan = (size: SizeName, quick: boolean): FanOutPlan =>
  quick
    ? { streams: 300, ratePerSecond: 20, seconds: 3, settleMs: 1000 }
    : { streams: size === 'large' ? 10_000 : 1_000, ratePerSecond: 50, seconds: 10, settleMs: 5000 }

/** The limit every process of the bench inherits: Node raises its own soft limit to the hard one. */
function openFileLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('Max open files'))
    return Number(line?.split(/\s+/)[3])
  } catch {
    return Number.NaN
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The client's next message of `kind`, or the reason it will never come. */
function awaitMessage<T>(child: ChildProcess, kind: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: { kind: string } & Record<string, unknown>) => {
      if (message.kind !== kind) return
      done()
      resolve(message[kind] as T)
    }
    const onExit = (code: number | null) => {
      done()
      reject(new Error(`the fan-out client exited (${code}) before it ${kind}`))
    }
    const done = () => {
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

async function measure(
  poster: ServerProcess,
  streamer: ServerProcess,
  fixture: Fixture,
  plan: FanOutPlan,
): Promise<Omit<FanOutRow, 'size' | 'instances'>> {
  await sleep(plan.settleMs)
  const loadAverage = loadavg()[0] ?? 0
  const rssBeforeMb = residentMb(streamer.pid)
  const graceMs = 10_000
  const child = fork(fileURLToPath(new URL('./fanout-client.ts', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  // The client stops by itself; this only guards against one that hangs.
  const limit = setTimeout(
    () => child.kill('SIGKILL'),
    plan.streams * 20 + plan.seconds * 1000 + graceMs + 60_000,
  )
  try {
    const job: FanOutJob = {
      streamsUrl: streamer.url,
      postsUrl: poster.url,
      fixture,
      streams: plan.streams,
      ratePerSecond: plan.ratePerSecond,
      seconds: plan.seconds,
      graceMs,
    }
    child.send(job)
    await awaitMessage<StreamsOpened>(child, 'opened')
    await sleep(plan.settleMs)
    const rssOpenMb = residentMb(streamer.pid)
    const finished = awaitMessage<FanOutResult>(child, 'result')
    child.send('post')
    const result = await finished
    for (const server of new Set([poster, streamer]))
      if (server.exitCode() !== null) throw new Error(`${server.name} exited:\n${server.output()}`)
    return {
      ...result,
      streams: plan.streams,
      ratePerSecond: plan.ratePerSecond,
      rssBeforeMb,
      rssOpenMb,
      loadAverage,
    }
  } finally {
    clearTimeout(limit)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/**
 * Runs the fan-out on one instance, then (where the database is one two processes can share) with the
 * messages posted on one and streamed from another. `startParley` starts a fresh instance on the database.
 */
export async function benchFanOut(options: {
  size: SizeName
  fixture: Fixture
  plan: FanOutPlan
  startParley: (name: string) => Promise<ServerProcess>
  twoInstances: boolean
}): Promise<FanOutRow[]> {
  const { size, plan } = options
  const limit = openFileLimit()
  if (limit < plan.streams + 1000)
    throw new Error(
      `${plan.streams} streams need as many open files in the client and in Parley, and this process may ` +
        `open ${limit}: raise the hard limit (ulimit -Hn, systemd's LimitNOFILE)`,
    )
  const rows: FanOutRow[] = []
  for (const instances of options.twoInstances ? ([1, 2] as const) : ([1] as const)) {
    const servers: ServerProcess[] = []
    try {
      const poster = await options.startParley('Parley (fan-out)')
      servers.push(poster)
      const streamer = instances === 2 ? await options.startParley('Parley (fan-out, second)') : poster
      servers.push(streamer)
      const measured = await measure(poster, streamer, options.fixture, plan)
      rows.push({ ...measured, size, instances })
      console.log(
        `  fan-out ${plan.streams} streams ${size} on ${instances} instance(s): ` +
          `${measured.received}/${measured.expected} delivered, p99 ${measured.latencyMs.p99.toFixed(1)} ms, ` +
          `RSS ${measured.rssBeforeMb.toFixed(0)} → ${measured.rssOpenMb.toFixed(0)} MB`,
      )
    } finally {
      for (const server of new Set(servers)) await server.stop()
    }
  }
  return rows
}
