import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { openSync, readFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { projectRoot, serverBundle } from '../../src/paths.js'

// Shared by the stress phases: the built server and seed as child processes,
// HTTP probes, and the server's memory as the kernel counts it.

export const SERVER_JS = serverBundle
export const SEED_JS = join(projectRoot, 'dist/seed/seed.js')

import { freePort, waitUntilServing } from '../tools.js'

export { freePort }

export type Server = {
  child: ChildProcess
  port: number
  origin: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>
  stderr: () => string
}

/**
 * Starts the production server (node dist/server.mjs) on loopback. Its JSON log
 * goes to logFile, as a log shipper would take it; stderr is kept for messages.
 */
export async function startServer(
  databasePath: string,
  logFile: string,
  env: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort()
  const child = spawn(process.execPath, [SERVER_JS], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_PATH: databasePath,
      PORT: String(port),
      HOST: '127.0.0.1',
      // Metrics on, as in production, on a port of their own (9464 may be taken).
      METRICS_PORT: String(await freePort()),
      ...env,
    },
    stdio: ['ignore', openSync(logFile, 'a'), 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  )
  const origin = `http://127.0.0.1:${port}`
  try {
    await waitUntilServing(child, `${origin}/readyz`, { intervalMs: 100, context: () => stderr.trim() })
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return { child, port, origin, exited, stderr: () => stderr }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

const probeAgent = new Agent({ keepAlive: true, maxSockets: 8 })

export type Answer = { status: number; body: string; headers: Record<string, string | string[] | undefined> }

/** One GET; rejects on a network error or after timeoutMs. */
export function get(url: string, options: { agent?: Agent; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: options.agent ?? probeAgent }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          headers: res.headers,
        }),
      )
      res.on('error', reject)
    })
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

/** Resident set size of a process, bytes (VmRSS in /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS for ${pid}`)
  return Number(kb) * 1024
}

/** Runs the built seed to completion. */
export function runSeed(
  databasePath: string,
  args: string[] = [],
  options: { uid?: number; gid?: number } = {},
) {
  return spawnSync(process.execPath, [SEED_JS, ...args], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
    ...options,
  })
}

/**
 * Polls a server while something else happens and counts answers that are not a
 * 200 with the full dataset: the "keeps answering throughout" check.
 */
export function pollWhile(origin: string, expectedTotal: number, intervalMs = 10) {
  let stopped = false
  const counts = { requests: 0, failures: 0, firstFailure: '' }
  const loop = (async () => {
    while (!stopped) {
      try {
        const answer = await get(`${origin}/v1/resources?limit=100&sort=title`, { timeoutMs: 5000 })
        counts.requests += 1
        const total = answer.status === 200 ? JSON.parse(answer.body).meta.total : -1
        if (total !== expectedTotal) {
          counts.failures += 1
          counts.firstFailure ||= `${answer.status} total=${total}`
        }
      } catch (error) {
        counts.requests += 1
        counts.failures += 1
        counts.firstFailure ||= (error as Error).message
      }
      await sleep(intervalMs)
    }
  })()
  return {
    stop: async () => {
      stopped = true
      await loop
      return counts
    },
  }
}
