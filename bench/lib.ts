import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { serverBundle } from '../src/paths.js'

// Shared by the benchmark scripts: pinning, child servers, HTTP probes, the load
// generators (wrk by default, autocannon as an option) and /proc readings.

/** The core the load generator runs on, and the one the servers run on. */
export const LOAD_CORE = 0
export const SERVER_CORE = 1

/** The API as production starts it (npm run build writes the bundle). */
export const API_COMMAND = ['node', serverBundle]

let pinning: boolean | undefined

/** Pins this process (the load generator) to LOAD_CORE; false when taskset is missing. */
export function pinSelf(): boolean {
  if (pinning !== undefined) return pinning
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' })
    pinning = true
  } catch {
    pinning = false
  }
  return pinning
}

import { freePort } from '../scripts/tools.js'

export { freePort }

export type Server = { name: string; port: number; child: ChildProcess; startedAt: number }

/** Starts a server on the server core, output discarded (as a log shipper would take it). */
export function startServer(
  name: string,
  command: string[],
  env: Record<string, string>,
  port: number,
): Server {
  const [file = 'node', ...args] = pinSelf() ? ['taskset', '-c', String(SERVER_CORE), ...command] : command
  const startedAt = performance.now()
  const child = spawn(file, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  child.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`${name} exited ${code}: ${stderr}\n`)
  })
  return { name, port, child, startedAt }
}

/** SIGKILL by default; SIGTERM lets the server exit as it would (Node writes its compile cache then). */
export async function stopServer(server: Server, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill(signal)
  await exited
}

export type Answer = { status: number; headers: Record<string, string>; body: Buffer }

export function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const flat: Record<string, string> = {}
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value
        }
        resolve({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Polls until path answers 200; returns milliseconds since the server was spawned. */
export async function waitFor200(server: Server, path: string, timeoutMs = 30_000): Promise<number> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited before answering`)
    try {
      const answer = await get(server.port, path)
      if (answer.status === 200) return performance.now() - server.startedAt
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error(`${server.name} gave no 200 on ${path} within ${timeoutMs} ms`)
}

/** The runtime stage's ENV in the Dockerfile (the image's last stage). */
export function dockerfileEnv(dockerfile = 'Dockerfile'): Record<string, string> {
  let text: string
  try {
    text = readFileSync(dockerfile, 'utf8')
  } catch {
    return {}
  }
  // Instructions joined across continuation lines; only the last stage (the image) counts.
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
  const lastFrom = instructions.findLastIndex((line) => /^FROM\s/i.test(line))
  const env: Record<string, string> = {}
  for (const line of instructions.slice(lastFrom + 1)) {
    const match = /^ENV\s+(.*)$/i.exec(line)
    if (!match) continue
    for (const pair of (match[1] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|\S*)/g)) {
      env[pair[1] as string] = pair[3] ?? pair[4] ?? pair[2] ?? ''
    }
  }
  return env
}

/**
 * The environment the container image starts the server with, of which the bench
 * takes NODE_ENV and NODE_OPTIONS: the V8 flags the image ships are the ones its
 * memory is measured with. BENCH_NODE_OPTIONS overrides NODE_OPTIONS for an
 * experiment. (The image's NODE_COMPILE_CACHE is a path inside it: the start-up
 * comparison gives each run a cache of its own instead, see startup.ts.)
 */
export function imageEnv(env = dockerfileEnv()): { NODE_ENV?: string; NODE_OPTIONS?: string } {
  const chosen: { NODE_ENV?: string; NODE_OPTIONS?: string } = {}
  if (env.NODE_ENV !== undefined) chosen.NODE_ENV = env.NODE_ENV
  if (env.NODE_OPTIONS !== undefined) chosen.NODE_OPTIONS = env.NODE_OPTIONS
  if (process.env.BENCH_NODE_OPTIONS !== undefined) chosen.NODE_OPTIONS = process.env.BENCH_NODE_OPTIONS
  return chosen
}

/** Peak resident set size of a process so far (VmHWM), in MB; null where /proc is missing. */
export function peakRssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const match = /VmHWM:\s+(\d+) kB/.exec(status)
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null
  } catch {
    return null
  }
}

/** Which load generator drives the bench: wrk (default) or autocannon (BENCH_LOADGEN=autocannon). */
export type LoadGenerator = 'wrk' | 'autocannon'

export function loadGenerator(): LoadGenerator {
  const name = process.env.BENCH_LOADGEN ?? 'wrk'
  if (name !== 'wrk' && name !== 'autocannon') throw new Error('BENCH_LOADGEN must be wrk or autocannon')
  return name
}

/** Above this share of its core the load generator, not the server, may be the limit: the run is flagged. */
export const LOADGEN_CPU_LIMIT = 0.9

export type Load = {
  rps: number
  /** Latency percentiles in milliseconds (fractional with wrk, whole with autocannon). */
  p50: number
  p99: number
  /** The same in microseconds (wrk measures µs; autocannon's are its ms × 1000). */
  p50Us: number
  p99Us: number
  requests: number
  /** Socket errors and timeouts. */
  errors: number
  /** Answers by status class. */
  statuses: Record<string, number>
  /** Answers outside the expected status class, plus errors: a run with any is not a clean measurement. */
  unexpected: number
  /** Share of one core the load generator used during the run (1 = a whole core); null if unknown. */
  loadgenCpu: number | null
  /** The server's CPU time per answered request, µs (from /proc/<pid>/stat); null without a pid or /proc. */
  serverCpuUs: number | null
}

export type LoadOptions = {
  port: number
  path?: string
  /** Paths taken in turn, one per request (instead of path). */
  paths?: string[]
  headers?: Record<string, string>
  connections: number
  seconds: number
  /** The status class every answer should have; default 2xx. */
  expect?: '2xx' | '3xx' | '4xx'
  /** The server's pid, to measure its CPU time per request. */
  serverPid?: number
}

/**
 * Waits until none of these processes has used CPU for `quietMs` (at most `maxMs`),
 * and returns how long it waited. A server that was just loaded goes on working for
 * a moment, on the core the next server is measured on: a neighbour's 3 s run right
 * before raised a server's p99 by a fifth to a half (bench/README.md).
 */
export async function settle(pids: (number | undefined)[], quietMs = 300, maxMs = 3000): Promise<number> {
  const started = performance.now()
  const total = () => pids.reduce<number>((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0)
  let last = total()
  let quietSince = started
  while (performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    const now = total()
    if (now !== last) {
      last = now
      quietSince = performance.now()
    } else if (performance.now() - quietSince >= quietMs) break
  }
  return performance.now() - started
}

/**
 * The k-th of a balanced set of orders of n items (a Williams design): over the
 * set, every item comes right after every other item equally often, so no
 * server is always measured after the same neighbour.
 */
export function balancedOrder(n: number, k: number): number[] {
  const first: number[] = []
  for (let i = 0, low = 0, high = n - 1; i < n; i++) first.push(i % 2 === 0 ? low++ : high--)
  // For odd n the mirror images are needed too: 2n orders instead of n.
  const orders = n % 2 === 0 ? n : 2 * n
  const index = k % orders
  const row = first.map((item) => (item + index) % n)
  return index < n ? row : row.reverse()
}

/** CPU seconds (user + system) a process has used so far; null where /proc is missing. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return null
  }
}
/** USER_HZ: 100 on Linux on every common architecture. */
const CLOCK_TICKS = 100

type Generated = Omit<Load, 'unexpected' | 'serverCpuUs'>

export async function load(options: LoadOptions): Promise<Load> {
  const before = cpuSeconds(options.serverPid)
  const result = loadGenerator() === 'wrk' ? await runWrk(options) : await runAutocannon(options)
  const after = cpuSeconds(options.serverPid)
  const expected = options.expect ?? '2xx'
  const answered = Object.values(result.statuses).reduce((sum, n) => sum + n, 0)
  return {
    ...result,
    unexpected: answered - (result.statuses[expected] ?? 0) + result.errors,
    serverCpuUs:
      before === null || after === null || result.requests === 0
        ? null
        : ((after - before) * 1e6) / result.requests,
  }
}

const WRK_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'wrk-report.lua')

/** wrk, one thread (on this process's core), with bench/wrk-report.lua reporting in µs. */
function runWrk(options: LoadOptions): Promise<Generated> {
  const paths = options.paths ?? [options.path ?? '/']
  const args = [
    '-t1',
    `-c${options.connections}`,
    // wrk takes whole seconds.
    `-d${Math.max(1, Math.round(options.seconds))}s`,
    '--latency',
    '-s',
    WRK_SCRIPT,
  ]
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`)
  args.push(`http://127.0.0.1:${options.port}${paths[0]}`)
  const env = { ...process.env, ...(paths.length > 1 ? { BENCH_WRK_PATHS: paths.join('\n') } : {}) }
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.on('error', (error) =>
      reject(
        new Error(`cannot run wrk (apt-get install wrk, or BENCH_LOADGEN=autocannon): ${error.message}`),
      ),
    )
    child.on('close', (code) => {
      const line = /^BENCH (.*)$/m.exec(out)?.[1]
      if (code !== 0 || line === undefined) return reject(new Error(`wrk exited ${code}: ${out}`))
      const report = JSON.parse(line) as {
        durationUs: number
        requests: number
        p50Us: number
        p99Us: number
        statuses: Record<string, number>
        errors: Record<string, number>
        cpuSeconds: number
      }
      const seconds = report.durationUs / 1e6
      const statuses = Object.fromEntries(Object.entries(report.statuses).filter(([, n]) => n > 0))
      resolve({
        rps: report.requests / seconds,
        p50: report.p50Us / 1000,
        p99: report.p99Us / 1000,
        p50Us: report.p50Us,
        p99Us: report.p99Us,
        requests: report.requests,
        errors: Object.values(report.errors).reduce((sum, n) => sum + n, 0),
        statuses,
        loadgenCpu: report.cpuSeconds < 0 ? null : report.cpuSeconds / seconds,
      })
    })
  })
}

async function runAutocannon(options: LoadOptions): Promise<Generated> {
  const cpuBefore = process.cpuUsage()
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    ...(options.paths
      ? { requests: options.paths.map((path) => ({ method: 'GET' as const, path })) }
      : { requests: [{ method: 'GET' as const, path: options.path ?? '/' }] }),
  })
  const cpu = process.cpuUsage(cpuBefore)
  const statuses: Record<string, number> = {}
  for (const key of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const) {
    if (result[key] > 0) statuses[key] = result[key]
  }
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p50Us: result.latency.p50 * 1000,
    p99Us: result.latency.p99 * 1000,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    statuses,
    loadgenCpu: (cpu.user + cpu.system) / 1e6 / result.duration,
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export function envNumber(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a non-negative number`)
  return number
}
