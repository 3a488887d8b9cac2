import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'

const running = new Set<ChildProcess>()
// Whatever happens to the bench, it leaves no server behind: each child is ended by its own pid.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

export type ServerProcess = {
  name: string
  url: string
  pid: number
  /** The last lines the process wrote, for a report when it misbehaves. */
  output(): string
  exitCode(): number | null
  stop(): Promise<void>
}

/** Starts `node <args>` in `cwd` with `env` on a free port and resolves once `healthPath` answers 200. */
export async function startServer(options: {
  name: string
  args: string[]
  cwd: string
  env: Record<string, string>
  portVariable: string
  healthPath: string
}): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, [options.portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    lines.splice(0, Math.max(0, lines.length - 40))
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const server: ServerProcess = {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    output: () => lines.join('\n'),
    exitCode: () => child.exitCode,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const forced = setTimeout(() => child.kill('SIGKILL'), 15_000)
        await exited
        clearTimeout(forced)
      }
      running.delete(child)
    },
  }
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with ${child.exitCode} while starting:\n${server.output()}`)
    }
    const healthy = await fetch(`${server.url}${options.healthPath}`)
      .then((response) => response.ok)
      .catch(() => false)
    if (healthy) return server
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await server.stop()
  throw new Error(`${options.name} did not answer ${options.healthPath} within 120 s:\n${server.output()}`)
}

/** Linux counts CPU time in /proc in USER_HZ ticks, 100 a second on every architecture it runs on. */
const TICKS_PER_SECOND = 100

/**
 * The CPU time process `pid` has used and the whole machine's busy time, both in seconds, from /proc;
 * undefined where there is no /proc.
 */
export function cpuClock(pid: number) {
  try {
    // The command name, in parentheses, may hold spaces: the fields are counted after it.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    const machine =
      readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).map(Number) ?? []
    // cpu user nice system idle iowait irq softirq steal: all but idle and iowait is busy.
    const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = machine
    return {
      processSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      machineSeconds: (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND,
    }
  } catch {
    return undefined
  }
}

const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM') => {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    )
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

/** A process's resident memory now, in MB (0 where there is no /proc). */
export const residentMb = (pid: number) => statusKb(pid, 'VmRSS') / 1024

/**
 * Samples a process's resident memory; the peak is the largest sample, and the kernel's high-water mark
 * (the process's peak since it started) unless `highWaterMark` is false.
 */
export function watchMemory(pid: number, { everyMs = 250, highWaterMark = true } = {}) {
  let peakKb = 0
  const sample = () => {
    peakKb = Math.max(peakKb, statusKb(pid, 'VmRSS'), highWaterMark ? statusKb(pid, 'VmHWM') : 0)
  }
  const timer = setInterval(sample, everyMs)
  timer.unref()
  return {
    peakMb() {
      sample()
      return Math.round(peakKb / 1024)
    },
    stop() {
      sample()
      clearInterval(timer)
    },
  }
}
