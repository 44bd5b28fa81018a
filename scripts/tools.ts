import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

// Small helpers the benchmark (bench/), the stress run (scripts/stress/) and the
// tests that start the server as a process share.

// The kernel may give two calls in a row the same port (the first was closed again
// before the second asked): a server started with PORT and METRICS_PORT from two
// calls then refused to start (CI, 2026-12-03). A port is handed out once per
// process, so ports asked for together always differ.
const handedOut = new Set<number>()

/** A TCP port free on loopback right now, and not handed out by this process before. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await anyFreePort()
    if (!handedOut.has(port)) {
      handedOut.add(port)
      return port
    }
  }
  throw new Error('no loopback port free that this process has not handed out already')
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Resolves once `url` answers 200 (a server started as a child process is ready),
 * polling every intervalMs; rejects when the child exits first or time runs out,
 * with `context()` (its stderr, say) in the message.
 */
export async function waitUntilServing(
  child: ChildProcess,
  url: string,
  options: { timeoutMs?: number; intervalMs?: number; context?: () => string } = {},
): Promise<void> {
  const { timeoutMs = 20_000, intervalMs = 50, context = () => '' } = options
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode} before serving ${url} ${context()}`.trim())
    }
    const ok = await fetch(url).then(
      async (response) => {
        await response.arrayBuffer()
        return response.status === 200
      },
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  throw new Error(`the server gave no 200 at ${url} within ${timeoutMs} ms ${context()}`.trim())
}

/** mulberry32: a small seeded PRNG, so generated data and random moments can be replayed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
