import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { Agent, get as httpGet, type IncomingHttpHeaders } from 'node:http'
import { Socket } from 'node:net'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, waitUntilServing } from '../scripts/tools.js'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { projectRoot } from '../src/paths.js'
import { LogDestination } from '../src/plugins/log-destination.js'
import { seedDatabase, tempDir } from './helpers/database.js'

// The real server process: configuration errors, database errors and shutdown
// are about the process (its exit code and what it prints), not the app.

let dir: string
let cleanup: () => void
let databasePath: string
beforeAll(() => {
  ;({ dir, cleanup } = tempDir())
  databasePath = seedDatabase(join(dir, 'resources.db'))
})
afterAll(() => cleanup())

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/server.ts')], {
    // Metrics off unless a test asks: the default port (9464) may be taken on a shared machine.
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = once(child, 'exit').then(([code]) => code as number | null)
  return { child, exited, output: () => ({ stdout, stderr }) }
}

function waitForListening(child: ChildProcess, port: number): Promise<void> {
  return waitUntilServing(child, `http://127.0.0.1:${port}/healthz`)
}

describe('shutdown', () => {
  it('lets a slow request in flight finish, refuses new ones, then closes the database', async () => {
    const config = loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' })
    const app = await buildApp(config, { logger: false })
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    // A stand-in for a slow request: it holds until the test releases it.
    app.get('/slow', async () => {
      await released
      return { done: true }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    const slow = fetch(`http://127.0.0.1:${port}/slow`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const closing = app.close() // what server.ts runs on SIGTERM and SIGINT
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(app.db.open).toBe(true)
    release()
    const response = await slow
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ done: true })
    await closing
    expect(app.db.open).toBe(false)
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
  })
})

describe('logging', () => {
  // Regression (found by npm run test:stress): pino's default destination writes
  // asynchronously, and under sustained load unwritten access-log lines grew the
  // heap without bound (26 MB to 71 MB of live heap in 80 s). The app writes through
  // its own destination instead, whose buffer is bounded and whose drops are
  // counted (test/reliability/log-destination.test.ts holds both).
  it('writes its log lines through the bounded, batched destination', async () => {
    const config = loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent' })
    const app = await buildApp(config)
    try {
      const stream = (app.log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym]
      expect(stream).toBeInstanceOf(LogDestination)
      expect(app.logStats()).toEqual({ written: 0, dropped: 0, pendingBytes: 0 })
    } finally {
      await app.close()
    }
  })
})

describe('the server process', () => {
  it.each([
    [
      { PORT: 'http' },
      'docker-resources-api: invalid configuration: PORT="http": must be a whole number from 0 to 65535',
    ],
    [{ LOG_LEVEL: 'chatty' }, 'docker-resources-api: invalid configuration: LOG_LEVEL="chatty"'],
  ])('stops at once on a bad setting %j with one line naming it', async (env, line) => {
    const server = startServer({ DATABASE_PATH: databasePath, ...env })
    expect(await server.exited).toBe(1)
    const { stderr } = server.output()
    expect(stderr.startsWith(line)).toBe(true)
    expect(stderr.trim().split('\n')).toHaveLength(1)
  })

  it('refuses a missing database with one line and no stack trace', async () => {
    const server = startServer({ DATABASE_PATH: join(dir, 'missing.db') })
    expect(await server.exited).toBe(1)
    const { stderr } = server.output()
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^docker-resources-api: cannot open database .*missing\.db: .*\(run npm run seed\)$/,
      ),
    ])
  })

  it('serves, logs one JSON line per request with its id, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort()
    // No readiness delay: this test is about the close that follows it.
    const server = startServer({ DATABASE_PATH: databasePath, PORT: String(port), SHUTDOWN_DELAY_MS: '0' })
    await waitForListening(server.child, port)
    const response = await fetch(`http://127.0.0.1:${port}/v1/resources?category=general`, {
      headers: { 'x-request-id': 'test-request-1' },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { meta: { total: number } }).meta.total).toBe(13)

    // A request whose headers are still arriving when the signal comes gets a
    // complete answer (Fastify refuses requests that begin after close with 503).
    const socket = new Socket()
    socket.connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write('GET /v1/categories HTTP/1.1\r\nHost: localhost\r\n')
    await new Promise((resolve) => setTimeout(resolve, 100))
    server.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    let answer = ''
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.write('Connection: close\r\n\r\n')
    await once(socket, 'close')
    expect(answer).toMatch(/^HTTP\/1\.1 (200 OK|503 Service Unavailable)\r\n/)

    expect(await server.exited).toBe(0)
    const lines = server
      .output()
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    const logged = lines.find((line) => line.reqId === 'test-request-1')
    expect(logged).toMatchObject({
      msg: 'request completed',
      method: 'GET',
      url: '/v1/resources?category=general',
      statusCode: 200,
    })
    expect(lines.filter((line) => line.url === '/healthz')).toEqual([])
    expect(lines.some((line) => line.msg === 'shutting down: finishing requests in flight')).toBe(true)
  })

  it('on SIGTERM answers /readyz with 503 for SHUTDOWN_DELAY_MS while it keeps serving, then closes', async () => {
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const server = startServer({ DATABASE_PATH: databasePath, PORT: String(port), SHUTDOWN_DELAY_MS: '1500' })
    await waitForListening(server.child, port)
    // One pooled keep-alive connection, as a load balancer holds.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const before = await getOn(agent, `${origin}/readyz`)
    expect(before).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } })

    server.child.kill('SIGTERM')
    let ready = before
    for (let i = 0; i < 100 && ready.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      ready = await getOn(agent, `${origin}/readyz`)
    }
    expect(ready.status).toBe(503)
    expect(ready.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(JSON.parse(ready.body)).toMatchObject({ status: 503, code: 'shutting_down' })
    // Still serving, on new connections too, each told to close after its answer.
    const list = await getOn(agent, `${origin}/v1/resources?category=general`)
    expect(list.status).toBe(200)
    expect(JSON.parse(list.body).meta.total).toBe(13)
    expect(list.headers.connection).toBe('close')
    expect((await getOn(agent, `${origin}/healthz`)).status).toBe(200)
    expect(server.child.exitCode).toBeNull()

    expect(await server.exited).toBe(0)
    agent.destroy()
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow()
    const messages = logLines(server.output().stdout).map((line) => line.msg)
    const draining = messages.indexOf('shutting down: /readyz answers 503, still serving')
    const closing = messages.indexOf('shutting down: finishing requests in flight')
    expect(draining).toBeGreaterThanOrEqual(0)
    expect(closing).toBeGreaterThan(draining)
  })

  it('on SIGINT (Ctrl-C at a terminal) closes at once, without the readiness delay', async () => {
    const port = await freePort()
    // A delay far beyond the test's timeout: waiting for it would fail the test.
    const server = startServer({
      DATABASE_PATH: databasePath,
      PORT: String(port),
      SHUTDOWN_DELAY_MS: '600000',
    })
    await waitForListening(server.child, port)
    server.child.kill('SIGINT')
    expect(await server.exited).toBe(0)
    const messages = logLines(server.output().stdout).map((line) => line.msg)
    expect(messages).toContain('shutting down: finishing requests in flight')
    expect(messages).not.toContain('shutting down: /readyz answers 503, still serving')
  })
})

function logLines(stdout: string): { msg?: string }[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
}

/** A GET through a given agent: fetch hides the Connection header this test is about. */
function getOn(
  agent: Agent,
  url: string,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    }).on('error', reject)
  })
}
