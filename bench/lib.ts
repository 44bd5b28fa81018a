import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import autocannon from 'autocannon'

// Shared by the benchmark scripts: pinning, child servers, HTTP probes, autocannon.

/** The core the load generator runs on, and the one the servers run on. */
export const LOAD_CORE = 0
export const SERVER_CORE = 1

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

export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGKILL')
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

export type Load = {
  rps: number
  p50: number
  p99: number
  requests: number
  errors: number
  statuses: Record<string, number>
}

export type LoadOptions = {
  port: number
  path?: string
  paths?: string[]
  headers?: Record<string, string>
  connections: number
  seconds: number
}

export async function load(options: LoadOptions): Promise<Load> {
  const result = await autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    ...(options.paths
      ? { requests: options.paths.map((path) => ({ method: 'GET' as const, path })) }
      : { requests: [{ method: 'GET' as const, path: options.path ?? '/' }] }),
  })
  const statuses: Record<string, number> = {}
  for (const key of ['1xx', '2xx', '3xx', '4xx', '5xx'] as const) {
    if (result[key] > 0) statuses[key] = result[key]
  }
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    statuses,
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
