import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

const main = new URL('../../src/main.ts', import.meta.url).pathname

/** A loopback port nobody holds right now, for a child process to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

export type Instance = {
  name: string
  url: string
  child: ChildProcess
  /** What it wrote to stdout and stderr so far. */
  output(): string
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
}

/**
 * Starts Parley as `npm start` does (`node src/main.ts`) on a port of its own, with `env` on top of this
 * process's environment; resolves once it is ready (`/readyz` answers 200), fails if it exits first.
 */
export async function startInstance(name: string, env: Record<string, string>): Promise<Instance> {
  const port = await freePort()
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const instance = { name, url: `http://127.0.0.1:${port}`, child, output: () => output, exited }
  let gone = false
  void exited.then(() => (gone = true))
  for (;;) {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output}`)
    const ready = await fetch(`${instance.url}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    )
    if (ready) return instance
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Ends an instance as a service manager would (SIGTERM), and waits for it to exit. */
export async function stopInstance(instance: Instance) {
  if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGTERM')
  return instance.exited
}
