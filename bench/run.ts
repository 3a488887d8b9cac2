/**
 * `npm run bench [-- --quick] [-- --embedded] [-- --only <text>] [-- --size <size>]`: loads each dataset size
 * into a fresh database, starts Parley and the floor server on it, drives every scenario against both from a
 * separate process, prints the table and writes it as JSON under bench/results/.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { credentialsMisses, describeMisses, METRICS_TOKEN } from './credentials-misses.ts'
import { type BenchDatabase, createBenchDatabase, DEFAULT_ADMIN_URL } from './database.ts'
import type { DriveJob, DriveResult } from './drive.ts'
import { accountEmails, awaitEmails, describeEmails, settledContacts } from './emails.ts'
import { benchFanOut, FAN_OUT, fanOutPlan } from './fanout.ts'
import { fanOutFailures, judgeFanOut } from './fanout-report.ts'
import { type ServerProcess, startServer, watchMemory } from './processes.ts'
import { compareSizes, failedRows, judge, type Report, type Row, renderReport } from './report.ts'
import {
  CONTACT_US_SMTP_REFUSING,
  PROMPT_WEBHOOK,
  SCENARIOS,
  type Scenario,
  STALLED_WEBHOOK,
  VENDOR_MESSAGE,
  WEBHOOK_SCENARIOS,
} from './scenarios.ts'
import { meetSessions } from './sessions-warmup.ts'
import { type Fixture, messageCount, SHAPES, type SizeName } from './shape.ts'
import { type SmtpSink, startSmtpSink } from './smtp-sink.ts'
import { awaitWebhooks, registerEndpoint, registerFloorEndpoint, startWebhookReceiver } from './webhooks.ts'

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const root = here('..')

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    embedded: { type: 'boolean', default: false },
    /** Runs only the scenarios whose name contains this text (for working on one). */
    only: { type: 'string' },
    /** Runs only this dataset size, `small` or `large` (for working on one row). */
    size: { type: 'string' },
  },
})
if (flags.size !== undefined && !Object.hasOwn(SHAPES, flags.size)) {
  throw new Error(`--size is one of ${Object.keys(SHAPES).join(', ')}, not ${flags.size}`)
}

/** `awaitMs` bounds each wait for what a run leaves behind: emails, webhooks, stored forms. */
const plan = flags.quick
  ? {
      sizes: ['small'] as SizeName[],
      connections: [10, 50],
      durationSeconds: 1,
      warmupSeconds: 0,
      awaitMs: 10_000,
    }
  : {
      sizes: ['small', 'large'] as SizeName[],
      connections: [10, 50],
      durationSeconds: 8,
      warmupSeconds: 1,
      awaitMs: 30_000,
    }

/**
 * Parley runs as `npm start` runs it, its environment settings and Node options included, so its memory is
 * the one an operator sees.
 */
function npmStart() {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: { start: string }
  }
  const words = scripts.start.split(/\s+/)
  const settings = words.filter((word, index) => index < words.indexOf('node') && word.includes('='))
  const [command, ...args] = words.slice(settings.length)
  if (command !== 'node')
    throw new Error(`npm start runs ${command}, not node: the bench cannot start it alike`)
  return { args, env: Object.fromEntries(settings.map((setting) => setting.split('=', 2))) }
}

const sizes = flags.size === undefined ? plan.sizes : [flags.size as SizeName]

const selected = (scenario: { name: string }) =>
  flags.only === undefined || scenario.name.includes(flags.only)

async function drive(
  server: ServerProcess,
  scenario: Scenario,
  target: DriveJob['target'],
  connections: number,
  fixture: Fixture,
) {
  const folder = await mkdtemp(join(tmpdir(), 'parley-bench-job-'))
  const file = join(folder, 'job.json')
  const job: DriveJob = {
    url: server.url,
    pid: server.pid,
    scenario: scenario.name,
    target,
    connections,
    durationSeconds: plan.durationSeconds,
    warmupSeconds: plan.warmupSeconds,
    fixture,
  }
  await writeFile(file, JSON.stringify(job))
  try {
    return await new Promise<DriveResult>((resolve, reject) => {
      const child = spawn(process.execPath, [here('./drive.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8')
      })
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8')
      })
      // The run stops by itself after its duration; this only guards against a driver that hangs.
      const limit = setTimeout(
        () => child.kill('SIGKILL'),
        (plan.durationSeconds + plan.warmupSeconds + 30) * 1000,
      )
      child.on('exit', (code) => {
        clearTimeout(limit)
        if (code === 0) resolve(JSON.parse(stdout) as DriveResult)
        else reject(new Error(`the driver of ${scenario.name} (${target}) failed with ${code}:\n${stderr}`))
      })
    })
  } finally {
    await rm(folder, { recursive: true, force: true })
  }
}

/** Waits, bounded, until the floor has delivered every email and webhook its run queued. */
async function awaitFloorDelivery(floor: ServerProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const { pending } = (await (await fetch(`${floor.url}/outbox/pending`)).json()) as { pending: number }
    if (pending === 0) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

async function benchSize(size: SizeName, sink: SmtpSink, report: Report) {
  const shape = SHAPES[size]
  const target = flags.embedded
    ? ({ embedded: true } as const)
    : ({ embedded: false, adminUrl: process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL } as const)
  console.log(`loading the ${size} set (${messageCount(shape)} messages)…`)
  const database: BenchDatabase = await createBenchDatabase(shape, target)
  report.loads.push({ size, seconds: database.loadSeconds, messages: messageCount(shape) })
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-data-'))
  // The floor's emails go to a sink of their own, so they never mix with Parley's in the counts.
  const floorSink = await startSmtpSink()
  const servers: { stop(): Promise<void> }[] = [{ stop: floorSink.close }]
  try {
    const start = npmStart()
    const parleyOptions = {
      name: 'Parley',
      args: start.args,
      cwd: root,
      portVariable: 'PORT',
      healthPath: '/healthz',
      env: {
        ...start.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PARLEY_DATA_DIR: dataDir,
        SMTP_URL: sink.url,
        CONTACT_US_RATE_PER_MINUTE: '1000000000',
        CONTACT_US_EMAIL_TO: JSON.stringify({ default: ['support@bench.test'] }),
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        METRICS_TOKEN,
        ...database.parleyEnv,
      },
    }
    const startParley = (name: string) => startServer({ ...parleyOptions, name })
    const parley = await startParley('Parley')
    servers.push(parley)
    await meetSessions(parley.url, database.fixture)
    const floor = await startServer({
      name: 'floor',
      args: [here('./floor-server.ts')],
      cwd: root,
      portVariable: 'FLOOR_PORT',
      healthPath: '/healthz',
      env: {
        ...database.floorEnv,
        FLOOR_BLOB_DIR: join(dataDir, 'floor-blobs'),
        FLOOR_SMTP_URL: floorSink.url,
      },
    })
    servers.push(floor)
    const memory = watchMemory(parley.pid)

    /** `observe`, given the run's answers and when it ended, adds a note to its row. */
    type Observe = (result: DriveResult, ended: number) => Promise<string>
    const run = async (scenario: Scenario, connections: number, observe?: Observe) => {
      const staffKey = database.fixture.staffKeys[0] ?? ''
      const firstEmail = sink.received.length
      // The floor writes into the same tables, before this and after: what Parley stored is what it stored since.
      const runStarted = new Date()
      // Resident memory only: the kernel's high-water mark would carry the earlier rows' peaks into this one.
      const rowMemory = watchMemory(parley.pid, { everyMs: 100, highWaterMark: false })
      const notes: string[] = []
      const settle = async (who: string) => {
        const cancelled = await database.quiesce()
        if (cancelled > 0)
          notes.push(`${cancelled} queries still ran 15 s after ${who}'s run and were cancelled`)
      }
      // The machine is shared: its load when the run starts says how far to trust the figures.
      const loadAverage = loadavg()[0] ?? 0
      const missesBefore = await credentialsMisses(parley.url)
      if (scenario.smtpRefusing) sink.refuse(true)
      const parleyResult = await drive(parley, scenario, 'parley', connections, database.fixture).finally(
        () => sink.refuse(false),
      )
      const ended = performance.now()
      if (parley.exitCode() !== null) {
        throw new Error(`Parley exited during ${scenario.name}:\n${parley.output()}`)
      }
      await settle('Parley')
      const misses = (await credentialsMisses(parley.url)) - missesBefore
      if (misses > 0) notes.push(describeMisses(misses))
      const row: Row = {
        scenario: scenario.name,
        kind: scenario.kind,
        ...(scenario.search && { search: true }),
        connections,
        size,
        parley: parleyResult,
        loadAverage,
      }
      if (scenario.mailsEachForm) {
        const forms = await settledContacts(parley.url, staffKey, runStarted, plan.awaitMs)
        await awaitEmails(sink, firstEmail, forms, plan.awaitMs)
        row.emails = accountEmails(forms, sink.received, firstEmail)
        notes.push(describeEmails(row.emails))
      }
      if (observe) notes.push(await observe(parleyResult, ended))
      rowMemory.stop()
      row.parleyPeakRssMb = rowMemory.peakMb()
      if (scenario.floor) {
        row.floor = await drive(floor, scenario, 'floor', connections, database.fixture)
        if (scenario.mailsEachForm || scenario.webhookReceiver === 'prompt')
          await awaitFloorDelivery(floor, plan.awaitMs)
        await settle('the floor')
      } else if (scenario.floorOf) {
        row.floor = report.rows.find(
          (other) =>
            other.scenario === scenario.floorOf && other.connections === connections && other.size === size,
        )?.floor
      }
      // A route that only answers errors has no throughput to compare.
      const answered = row.parley.requests > row.parley.non2xx + row.parley.errors
      if (row.floor && row.floor.rps > 0 && answered) row.ratio = row.parley.rps / row.floor.rps
      if (notes.length > 0) row.note = notes.join('; ')
      report.rows.push(row)
      console.log(
        `  ${scenario.name} @${connections} ${size}: ${Math.round(row.parley.rps)} req/s, p99 ${row.parley.p99} ms, ` +
          `${row.parley.non2xx + row.parley.errors} non-2xx/errors` +
          (row.floor ? `; floor ${Math.round(row.floor.rps)} req/s` : ''),
      )
    }

    /** Runs a webhook scenario with an endpoint registered for a receiver of its own, and the floor's too. */
    const runWithReceiver = async (scenario: Scenario, connections: number) => {
      const mode = scenario.webhookReceiver ?? 'prompt'
      const receiver = await startWebhookReceiver(mode)
      const endpoint = await registerEndpoint(parley.url, database.fixture.staffKeys[0] ?? '', receiver.url)
      // The floor's deliveries go to a receiver of their own, so they never mix with Parley's in the counts.
      const floorReceiver = await startWebhookReceiver(mode)
      const floorEndpoint = await registerFloorEndpoint(floor.url, floorReceiver.url)
      // A stalled receiver's deliveries wait out their timeouts: only a prompt one's rate is a figure.
      const observe: Observe = (result, ended) => {
        const posted = result.requests - result.non2xx - result.errors + result.warmupAnswered
        return awaitWebhooks(receiver, { posted, ended }, plan.awaitMs)
      }
      try {
        await run(scenario, connections, mode === 'prompt' ? observe : undefined)
      } finally {
        await endpoint.remove()
        await floorEndpoint.remove()
        await receiver.close()
        await floorReceiver.close()
      }
    }

    // Reads first, on the dataset as loaded: the writes add messages and contacts that the reads would page
    // through, far more of them relative to the small set, which would skew large ÷ small. Vendor message
    // runs with the webhook rows instead (below).
    for (const kind of ['read', 'write'] as const) {
      for (const connections of plan.connections) {
        for (const scenario of SCENARIOS.filter(
          (candidate) => candidate.kind === kind && candidate !== VENDOR_MESSAGE && selected(candidate),
        )) {
          await run(scenario, connections)
        }
      }
    }
    // After the other writes, the sink refusing every email while each runs, and its emails waited for once
    // the sink accepts again: every form mailed once, and no backlog of retries left to slow the rows after.
    if (selected(CONTACT_US_SMTP_REFUSING))
      for (const connections of plan.connections) await run(CONTACT_US_SMTP_REFUSING, connections)
    // Posting with a stalled receiver is compared with posting without an endpoint run just before it, on the
    // database as the rows before left it: on the large set, the rows between slowed a reference run earlier.
    for (const connections of plan.connections) {
      if (selected(VENDOR_MESSAGE)) await run(VENDOR_MESSAGE, connections)
      if (selected(STALLED_WEBHOOK)) await runWithReceiver(STALLED_WEBHOOK, connections)
    }
    // Last of all: a prompt receiver's deliveries may still be arriving when its wait ends.
    if (selected(PROMPT_WEBHOOK))
      for (const connections of plan.connections) await runWithReceiver(PROMPT_WEBHOOK, connections)
    memory.stop()
    report.parleyPeakRssMb = Math.max(report.parleyPeakRssMb, memory.peakMb())
    if (selected(FAN_OUT)) {
      // Its instances start fresh on the database, which an embedded one holds alone.
      await parley.stop()
      const plan = fanOutPlan(size, flags.quick)
      const twoInstances = !flags.embedded
      report.fanOut.push(
        ...(await benchFanOut({ size, fixture: database.fixture, plan, startParley, twoInstances })),
      )
    }
  } finally {
    for (const server of servers.reverse()) await server.stop()
    await database.drop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

const started = performance.now()
const report: Report = {
  startedAt: new Date().toISOString(),
  mode: flags.quick ? 'quick' : 'full',
  engine: flags.embedded ? 'pglite' : 'postgres',
  durationSeconds: plan.durationSeconds,
  loads: [],
  rows: [],
  fanOut: [],
  parleyPeakRssMb: 0,
  seconds: 0,
  targets: [],
}
const sink = await startSmtpSink()
try {
  for (const size of sizes) await benchSize(size, sink, report)
} finally {
  await sink.close()
}
const order = [...SCENARIOS, CONTACT_US_SMTP_REFUSING, ...WEBHOOK_SCENARIOS].map((scenario) => scenario.name)
report.rows.sort(
  (a, b) =>
    order.indexOf(a.scenario) - order.indexOf(b.scenario) ||
    a.connections - b.connections ||
    sizes.indexOf(a.size) - sizes.indexOf(b.size),
)
compareSizes(report.rows)
report.seconds = Math.round((performance.now() - started) / 1000)
report.targets = [...judge(report), ...judgeFanOut(report.fanOut)]
console.log(`\n${renderReport(report)}`)
await mkdir(join(root, 'bench/results'), { recursive: true })
const file = join(
  root,
  'bench/results',
  `${report.startedAt.replaceAll(':', '-')}-${report.mode}-${report.engine}.json`,
)
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
console.log(`\nwritten to ${file} (${report.seconds} s in all)`)
// The table is printed and saved first, so a failing run still shows what it measured.
const failed = [...failedRows(report.rows), ...fanOutFailures(report.fanOut)]
if (failed.length > 0) {
  console.error(
    `\nthe benchmark failed: ${failed.length} runs had non-2xx answers, request errors, no answer at all ` +
      'or lost events',
  )
  for (const line of failed) console.error(`  ${line}`)
  process.exitCode = 1
}
