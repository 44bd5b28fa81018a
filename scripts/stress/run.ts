import { spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { openReadOnly } from '../../src/db/open.js'
import { projectRoot } from '../../src/paths.js'
import { mulberry32 } from '../tools.js'
import {
  freePort,
  get,
  pollWhile,
  rssOf,
  runSeed,
  SEED_JS,
  SERVER_JS,
  type Server,
  sleep,
  startServer,
} from './lib.js'
import { autocannon, countFiveHundreds, scenarios } from './mix.js'

// npm run test:stress: load, graceful shutdown under load, seed faults and bad
// databases against the production build (npm run build), on loopback. Prints the
// figures, writes them to scripts/stress/results.json, and exits 1 if any check
// failed. STRESS_SEED reproduces the random kill moments; STRESS_LOAD_SECONDS and
// STRESS_WARMUP_SECONDS shorten the load phase for a quick try.

const SEED = Number(process.env.STRESS_SEED ?? Math.floor(Math.random() * 2 ** 31))
const LOAD_SECONDS = Number(process.env.STRESS_LOAD_SECONDS ?? 60)
const WARMUP_SECONDS = Number(process.env.STRESS_WARMUP_SECONDS ?? 30)
const CONNECTIONS = 100
const SEED_KILLS = 20
const RSS_TOLERANCE = 0.1
const SHUTDOWN_LIMIT_MS = 10_000
const RESULTS_FILE = join(projectRoot, 'scripts/stress/results.json')
const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=64 --max-semi-space-size=1'

const random = mulberry32(SEED)

type Check = { phase: string; name: string; ok: boolean; detail: string }
const checks: Check[] = []
const figures: Record<string, unknown> = { seed: SEED, startedAt: new Date().toISOString() }

function check(phase: string, name: string, ok: boolean, detail: string): void {
  checks.push({ phase, name, ok, detail })
  process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}\n`)
}

function section(title: string): void {
  process.stdout.write(`\n== ${title}\n`)
}

const work = mkdtempSync(join(tmpdir(), 'dra-stress-'))
// Traversable by the unprivileged user the read-only-directory case runs the seed as.
chmodSync(work, 0o755)
const servers: Server[] = []

function cleanup(): void {
  for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL')
  try {
    chmodSync(join(work, 'faults'), 0o755)
  } catch {}
  rmSync(work, { recursive: true, force: true })
}

async function start(databasePath: string, env: Record<string, string> = {}): Promise<Server> {
  // Rate limiting would answer this load with 429s: it is measured in the tests.
  // Otherwise the server runs as in production, with the heap of the container
  // image in a 128 MiB pod: the image's NODE_OPTIONS (--max-old-space-size=64) and
  // the 1 MB semi-space V8 picks itself in a container under 512 MiB. Its live heap
  // is flat under this load, so RSS that keeps growing after the warm-up is a leak
  // (as pino's asynchronous log buffer was; see app.ts). With V8's defaults on a
  // large host, Node 24 doubles its young generation up to 64 MB semi-spaces during
  // the load (+30 MB of RSS that is not a leak). STRESS_SERVER_NODE_OPTIONS replaces
  // these flags for an experiment (empty: V8's defaults).
  const nodeOptions = process.env.STRESS_SERVER_NODE_OPTIONS ?? PRODUCTION_NODE_OPTIONS
  const server = await startServer(databasePath, join(work, 'server.log'), {
    RATE_LIMIT_MAX: '0',
    // The response cache is bounded (32 MB by default) and fills for minutes with
    // this many distinct URLs; a small one is full within the warm-up, so growth
    // after it is not the cache doing its job.
    RESPONSE_CACHE_MB: '4',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    ...env,
  })
  servers.push(server)
  return server
}

async function stop(server: Server): Promise<{ code: number | null; ms: number }> {
  const at = performance.now()
  server.child.kill('SIGTERM')
  const exit = await server.exited
  return { code: exit.code, ms: Math.round(exit.at - at) }
}

// ---- 1. load -------------------------------------------------------------------

async function loadPhase(databasePath: string): Promise<void> {
  section(`load: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, then ${LOAD_SECONDS} s`)
  const metricsPort = await freePort()
  const logAt = logSize()
  const server = await start(databasePath, { METRICS_PORT: String(metricsPort) })
  const requests = await scenarios(server.origin)
  const pid = server.child.pid as number
  const rssStart = rssOf(pid)
  // RSS under load is a garbage-collection sawtooth (about 10% peak to trough
  // here), so one reading is noise. Each figure is the highest reading of a 10 s
  // window: the last 10 s of the warm-up, and the last 10 s of the load.
  const samples: { at: number; rss: number }[] = []
  const sampler = setInterval(() => samples.push({ at: performance.now(), rss: rssOf(pid) }), 250)
  const windowMax = (from: number, to: number) =>
    Math.max(...samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.rss))
  await autocannon({ url: server.origin, connections: CONNECTIONS, duration: WARMUP_SECONDS, requests })
  const warmEnd = performance.now()
  const rssWarm = windowMax(warmEnd - 10_000, warmEnd)
  const result = await autocannon({
    url: server.origin,
    connections: CONNECTIONS,
    duration: LOAD_SECONDS,
    timeout: 10,
    requests,
  })
  const loadEnd = performance.now()
  clearInterval(sampler)
  const rssEnd = windowMax(loadEnd - 10_000, loadEnd)
  const loadSamples = samples.filter((s) => s.at > warmEnd).map((s) => s.rss)
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  )
  const fiveHundreds = countFiveHundreds(result)
  const growth = (rssEnd - rssWarm) / rssWarm
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10
  figures.load = {
    connections: CONNECTIONS,
    seconds: LOAD_SECONDS,
    scenarios: requests.length,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    errors: result.errors,
    timeouts: result.timeouts,
    fiveHundreds,
    statuses,
    rssMB: {
      start: mb(rssStart),
      afterWarmup: mb(rssWarm),
      peak: mb(Math.max(...loadSamples)),
      end: mb(rssEnd),
    },
    rssGrowth: Math.round(growth * 1000) / 1000,
    serverNodeOptions: process.env.STRESS_SERVER_NODE_OPTIONS ?? PRODUCTION_NODE_OPTIONS,
    rssEvery5sMB: loadSamples.filter((_, i) => i % 20 === 19).map(mb),
  }
  process.stdout.write(
    `  ${result.requests.total} requests, ${Math.round(result.requests.average)}/s, p99 ${result.latency.p99} ms; statuses ${JSON.stringify(statuses)}\n`,
  )
  check('load', 'no errors', result.errors === 0, `${result.errors} connection errors`)
  check('load', 'no timeouts', result.timeouts === 0, `${result.timeouts} timeouts`)
  check('load', 'no 5xx', fiveHundreds === 0, `${fiveHundreds} responses 5xx`)
  check(
    'load',
    'RSS at the end within 10% of RSS after warm-up',
    Math.abs(growth) <= RSS_TOLERANCE,
    `${mb(rssWarm)} MB after warm-up, ${mb(rssEnd)} MB at the end (${(growth * 100).toFixed(1)}%), peak ${mb(Math.max(...loadSamples))} MB (each the highest reading of a 10 s window)`,
  )
  // What the server says it served, before it stops (answers still in flight settle first).
  await sleep(500)
  const scrape = (await get(`http://127.0.0.1:${metricsPort}/metrics`)).body
  const exit = await stop(server)
  check('load', 'stops cleanly after the load', exit.code === 0, `exit ${exit.code} in ${exit.ms} ms`)
  checkAccessLog(scrape, logAt)
}

const LOG_FILE = () => join(work, 'server.log')

function logSize(): number {
  try {
    return readFileSync(LOG_FILE()).length
  } catch {
    return 0
  }
}

/**
 * The access log loses no line unless it says so: after the load and a graceful
 * stop, the lines "request completed" in the server's log plus the lines it
 * counted as dropped (log_lines_dropped_total, and its warnings) equal the requests
 * it served by its own metrics (health checks, which are never logged, aside).
 */
function checkAccessLog(scrape: string, logAt: number): void {
  const sum = (pattern: RegExp) =>
    scrape
      .split('\n')
      .filter((line) => pattern.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0)
  const served = sum(/^http_requests_total\{(?!.*route="\/(healthz|readyz)")/)
  const dropped = sum(/^log_lines_dropped_total /)
  const lines = readFileSync(LOG_FILE())
    .subarray(logAt)
    .toString()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as { msg?: string; droppedLines?: number })
  const logged = lines.filter((line) => line.msg === 'request completed').length
  const reported = lines.reduce((total, line) => total + (line.droppedLines ?? 0), 0)
  figures.accessLog = { served, logged, dropped, reported }
  check(
    'load',
    'every request served has its access-log line, or is counted and reported as dropped',
    served > 0 && logged + dropped === served && reported === dropped,
    `${logged} lines for ${served} requests served (health checks aside); ${dropped} dropped, ${reported} reported in the log`,
  )
}

// ---- 2. graceful shutdown under load ----------------------------------------------

async function shutdownPhase(databasePath: string): Promise<void> {
  section(`graceful shutdown: SIGTERM while ${CONNECTIONS} connections are busy`)
  const server = await start(databasePath)
  const requests = await scenarios(server.origin)
  // Only requests that succeed: any failure below is then the shutdown's doing.
  const paths = requests
    .filter((r) => r.method === 'GET' && !r.setupRequest && r.path !== '/')
    .map((r) => r.path)
    .filter((path) => !/limit=1000|nope=|no-such-id|nothing/.test(path))
  const list = JSON.parse((await get(`${server.origin}/v1/resources?limit=100`)).body)
  const words: string[] = list.data.flatMap((resource: { title: string }) =>
    resource.title.toLowerCase().match(/[a-z]{3,}/g),
  )
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  type Outcome = { sentAt: number; endAt: number; status: number; error?: string }
  const outcomes: Outcome[] = []
  let signalAt = Number.POSITIVE_INFINITY
  let stopSending = false
  const worker = async (n: number) => {
    for (let i = 0; !stopSending; i++) {
      // Mostly searches the cache has not seen, so requests take real work.
      const path =
        i % 2 === 0
          ? `/v1/resources?q=${words[(n * 7 + i) % words.length]}%20${words[(n + i * 3) % words.length]}&limit=${1 + ((n + i) % 100)}`
          : (paths[(n + i) % paths.length] as string)
      const sentAt = performance.now()
      try {
        const answer = await get(`${server.origin}${path}`, { agent, timeoutMs: 15_000 })
        outcomes.push({ sentAt, endAt: performance.now(), status: answer.status })
      } catch (error) {
        outcomes.push({ sentAt, endAt: performance.now(), status: 0, error: (error as Error).message })
        // Refused connections after the signal are expected: the server stopped listening.
        if (sentAt > signalAt) break
      }
    }
  }
  const workers = Array.from({ length: CONNECTIONS }, (_, n) => worker(n))
  await sleep(3000)
  signalAt = performance.now()
  server.child.kill('SIGTERM')
  const exit = await server.exited
  stopSending = true
  await Promise.all(workers)
  agent.destroy()
  const exitMs = Math.round(exit.at - signalAt)
  const before = outcomes.filter((o) => o.sentAt < signalAt)
  const beforeFailed = before.filter((o) => o.status < 200 || o.status >= 300)
  const completedAfter = before.filter((o) => o.endAt > signalAt)
  const after = outcomes.filter((o) => o.sentAt >= signalAt)
  figures.shutdown = {
    connections: CONNECTIONS,
    requestsBeforeSignal: before.length,
    inFlightAtSignal: completedAfter.length,
    failedOfThoseBeforeSignal: beforeFailed.length,
    sentAfterSignal: after.length,
    servedAfterSignal: after.filter((o) => o.status >= 200 && o.status < 300).length,
    exitCode: exit.code,
    exitMs,
  }
  process.stdout.write(
    `  ${before.length} requests before the signal, ${completedAfter.length} of them still in flight at it; ${after.length} sent after it\n`,
  )
  check(
    'shutdown',
    'every request sent before SIGTERM completes with a 2xx',
    beforeFailed.length === 0,
    beforeFailed.length === 0
      ? `${before.length} of ${before.length} (${completedAfter.length} finished after the signal)`
      : `${beforeFailed.length} failed, e.g. ${JSON.stringify(beforeFailed.slice(0, 3))}`,
  )
  check(
    'shutdown',
    'requests were in flight at the signal',
    completedAfter.length > 0,
    `${completedAfter.length}`,
  )
  check(
    'shutdown',
    'exits 0 within 10 s',
    exit.code === 0 && exitMs <= SHUTDOWN_LIMIT_MS,
    `exit ${exit.code} after ${exitMs} ms`,
  )
}

// ---- 3. seed faults ------------------------------------------------------------------

function sameBytes(a: Buffer, path: string): boolean {
  return readFileSync(path).equals(a)
}

async function seedFaultsPhase(baseDatabase: string): Promise<void> {
  section(`seed faults: SIGKILL at ${SEED_KILLS} random moments, a read-only directory, a corrupt page`)
  const dir = join(work, 'faults')
  rmSync(dir, { recursive: true, force: true })
  spawnSync('mkdir', ['-p', dir])
  const databasePath = join(dir, 'resources.db')
  copyFileSync(baseDatabase, databasePath)
  const server = await start(databasePath)
  const poll = pollWhile(server.origin, 33)

  // How long one whole seed takes here, to spread the kills over its life.
  const t0 = performance.now()
  const full = runSeed(databasePath)
  const seedMs = performance.now() - t0
  if (full.status !== 0) throw new Error(`seed failed: ${full.stderr}`)
  let previous = readFileSync(databasePath)

  const kills: { atMs: number; outcome: 'untouched' | 'replaced-complete' | 'DAMAGED' }[] = []
  for (let k = 0; k < SEED_KILLS; k++) {
    const atMs = Math.round(random() * seedMs * 1.05)
    const child = spawn(process.execPath, [SEED_JS], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    })
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    await sleep(atMs)
    child.kill('SIGKILL')
    await exited
    if (sameBytes(previous, databasePath)) kills.push({ atMs, outcome: 'untouched' })
    else {
      // The seed finished before the kill: the file must be a whole new database.
      let complete = false
      try {
        openReadOnly(databasePath).close()
        complete = true
      } catch {}
      kills.push({ atMs, outcome: complete ? 'replaced-complete' : 'DAMAGED' })
      previous = readFileSync(databasePath)
    }
  }
  const damaged = kills.filter((k) => k.outcome === 'DAMAGED').length
  const untouched = kills.filter((k) => k.outcome === 'untouched').length
  check(
    'seed-faults',
    `SIGKILL at ${SEED_KILLS} random moments leaves the previous database byte-identical`,
    damaged === 0 && untouched > 0,
    `${untouched} killed mid-seed: byte-identical; ${kills.length - untouched - damaged} finished first: a complete new database; ${damaged} damaged (one seed takes ${Math.round(seedMs)} ms; moments ${kills.map((k) => k.atMs).join(', ')} ms)`,
  )
  const afterKills = runSeed(databasePath)
  const leftovers = readdirSync(dir).filter((name) => name !== 'resources.db')
  check(
    'seed-faults',
    'the next seed succeeds and removes what killed seeds left',
    afterKills.status === 0 && leftovers.length === 0,
    `exit ${afterKills.status}; left in the directory: ${JSON.stringify(leftovers)}`,
  )
  previous = readFileSync(databasePath)

  // A read-only directory. Root ignores permission bits, so the seed runs as nobody then.
  chmodSync(dir, 0o555)
  const asNobody = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {}
  const readOnly = runSeed(databasePath, [], asNobody)
  chmodSync(dir, 0o755)
  check(
    'seed-faults',
    'a read-only directory: refused, previous database byte-identical',
    readOnly.status !== 0 &&
      sameBytes(previous, databasePath) &&
      readOnly.stderr.trim().split('\n').length === 1,
    `exit ${readOnly.status}: ${readOnly.stderr.trim()}`,
  )

  const page = join(work, 'corrupt.markdown')
  writeFileSync(
    page,
    Buffer.concat([Buffer.from('---\ntitle: Docker\n---\n## Resources\n* ['), Buffer.alloc(512, 0xff)]),
  )
  const corrupt = runSeed(databasePath, [page])
  check(
    'seed-faults',
    'a corrupt page: refused, previous database byte-identical',
    corrupt.status !== 0 && sameBytes(previous, databasePath),
    `exit ${corrupt.status}: ${corrupt.stderr.trim().split('\n')[0]}`,
  )

  const polled = await poll.stop()
  check(
    'seed-faults',
    'a running server kept answering from its database throughout',
    polled.failures === 0 && polled.requests > 0,
    `${polled.requests} requests during the faults, ${polled.failures} not a 200 with all 33 resources${polled.firstFailure ? ` (${polled.firstFailure})` : ''}`,
  )
  figures.seedFaults = {
    seedMs: Math.round(seedMs),
    kills: kills.length,
    untouched,
    finishedBeforeKill: kills.length - untouched - damaged,
    damaged,
    readOnlyRefused: readOnly.status !== 0,
    corruptPageRefused: corrupt.status !== 0,
    serverRequestsDuringFaults: polled.requests,
    serverFailuresDuringFaults: polled.failures,
    dataLost: damaged,
  }
  await stop(server)
}

// ---- 4. databases the server must refuse --------------------------------------------

async function badDatabasePhase(baseDatabase: string): Promise<void> {
  section('bad databases: the server refuses to start')
  const dir = join(work, 'bad')
  spawnSync('mkdir', ['-p', dir])
  const base = readFileSync(baseDatabase)
  const pageSize = base.readUInt16BE(16)
  const cases: [string, string][] = [
    ['missing', join(dir, 'missing.db')],
    ['corrupt: random bytes', join(dir, 'random.db')],
    ['corrupt: a damaged page', join(dir, 'page.db')],
    ['corrupt: truncated', join(dir, 'truncated.db')],
    ['from a newer schema', join(dir, 'newer.db')],
  ]
  writeFileSync(join(dir, 'random.db'), Buffer.alloc(32 * 1024, 0x3c))
  const damaged = Buffer.from(base)
  damaged.fill(0xa5, pageSize * 4, pageSize * 5)
  writeFileSync(join(dir, 'page.db'), damaged)
  writeFileSync(join(dir, 'truncated.db'), base.subarray(0, Math.floor(base.length / 3)))
  writeFileSync(join(dir, 'newer.db'), base)
  const db = new Database(join(dir, 'newer.db'))
  db.prepare('INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)').run(
    'from-the-future',
    Date.now(),
  )
  db.close()
  const refused: Record<string, string> = {}
  for (const [name, path] of cases) {
    const port = await freePort()
    const result = spawnSync(process.execPath, [SERVER_JS], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_PATH: path, PORT: String(port), HOST: '127.0.0.1' },
      encoding: 'utf8',
      timeout: 15_000,
    })
    const lines = result.stderr.trim().split('\n')
    const ok =
      result.error === undefined &&
      result.status !== 0 &&
      result.status !== null &&
      lines.length === 1 &&
      !/\n\s+at |Error:/.test(result.stderr)
    refused[name] = lines[0] ?? ''
    check('bad-database', `${name}: refused with one line`, ok, `exit ${result.status}: ${lines[0]}`)
  }
  figures.badDatabase = refused
}

// ---- main ------------------------------------------------------------------------------

async function main(): Promise<void> {
  section('build')
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('npm run build failed')
  const baseDatabase = join(work, 'base.db')
  const seeded = runSeed(baseDatabase)
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`)
  process.stdout.write(`  built; seeded ${baseDatabase}; random seed ${SEED}\n`)

  const phases = (process.env.STRESS_PHASES ?? 'load,shutdown,seed-faults,bad-database').split(',')
  if (phases.includes('load')) await loadPhase(baseDatabase)
  if (phases.includes('shutdown')) await shutdownPhase(baseDatabase)
  if (phases.includes('seed-faults')) await seedFaultsPhase(baseDatabase)
  if (phases.includes('bad-database')) await badDatabasePhase(baseDatabase)
}

const started = performance.now()
let crashed: Error | undefined
try {
  await main()
} catch (error) {
  crashed = error as Error
  process.stderr.write(`stress run stopped: ${crashed.stack ?? crashed.message}\n`)
} finally {
  cleanup()
}
const failed = checks.filter((c) => !c.ok)
figures.finishedAt = new Date().toISOString()
figures.seconds = Math.round((performance.now() - started) / 1000)
figures.checks = checks
figures.passed = !crashed && failed.length === 0
writeFileSync(RESULTS_FILE, `${JSON.stringify(figures, null, 2)}\n`)
// In the repository's own format, so `npm test`'s lint stays green after a run.
spawnSync(join(projectRoot, 'node_modules/.bin/biome'), ['format', '--write', RESULTS_FILE], {
  stdio: 'ignore',
})
section(
  `${checks.length - failed.length} of ${checks.length} checks passed in ${figures.seconds} s${crashed ? '; the run stopped early' : ''} (STRESS_SEED=${SEED}); figures in ${RESULTS_FILE}`,
)
process.exit(figures.passed ? 0 : 1)
