import { closeSync, openSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import type { FastPath } from '../../src/plugins/fast-path.js'
import { LogDestination } from '../../src/plugins/log-destination.js'
import { seedDatabase, tempDir } from '../helpers/database.js'

// The response cache's fast path answers hits from the server's request listener,
// before Fastify and its hooks. Over real HTTP, every answer it gives must be what
// Fastify's own path gives for the same request: the same status, body and every
// header (only Date and the fresh X-Request-Id differ), the same access-log line and
// the same metrics. Two apps over one database: "fast" (the fast path on) and
// "hooks" (the same settings, fast path off), each asked every request twice, so
// the second answer of each is a cache hit.

const { dir, cleanup } = tempDir()
const databasePath = seedDatabase(join(dir, 'resources.db'))

type Answer = { status: number; headers: Record<string, string>; body: Buffer }

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const all: Record<string, string> = {}
        // Raw pairs: a header sent twice would show here as a second value.
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = (res.rawHeaders[i] as string).toLowerCase()
          const value = res.rawHeaders[i + 1] as string
          all[name] = name in all ? `${all[name]}\n${value}` : value
        }
        resolve({ status: res.statusCode ?? 0, headers: all, body: Buffer.concat(chunks) })
      })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** What must be equal: everything but the moment (Date) and the fresh request id. */
function comparable(answer: Answer) {
  const { date: _date, 'x-request-id': _id, ...headers } = answer.headers
  return { status: answer.status, headers, body: answer.body.toString('base64') }
}

type Side = {
  app: Awaited<ReturnType<typeof buildApp>>
  port: number
  logFile: string
  fastAnswers: () => number
  logLines: () => Record<string, unknown>[]
}

async function start(name: string, env: Record<string, string>, fastPath: boolean): Promise<Side> {
  const logFile = join(dir, `${name}.log`)
  const fd = openSync(logFile, 'w')
  const config = loadConfig({
    DATABASE_PATH: databasePath,
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '0',
    METRICS_PORT: '9464',
    // Seeding in this process can block the event loop long enough on a busy
    // machine to trip load shedding, which would answer 503 for reasons of the moment.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  })
  const app = await buildApp(config, { logDestination: new LogDestination(fd), fastPath })
  app.addHook('onClose', async () => closeSync(fd))
  await app.listen({ port: 0, host: '127.0.0.1' })
  let served = 0
  if (app.fastPath) {
    const original: FastPath = app.fastPath
    app.fastPath = (request, response) => {
      const answered = original(request, response)
      if (answered) served++
      return answered
    }
  }
  return {
    app,
    port: (app.server.address() as AddressInfo).port,
    logFile,
    fastAnswers: () => served,
    logLines: () => {
      ;(app.log as unknown as { flush(): void }).flush()
      return readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'request completed')
    },
  }
}

const ID = 'docs-docker-com-37e989a6'
const PATHS = [
  '/v1/resources',
  '/v1/resources?category=general',
  '/v1/resources?q=django&limit=3',
  `/v1/resources/${ID}`,
  '/v1/resources/no-such-id',
  '/v1/resources?limit=1000',
  '/v1/resources?fields=id,title',
  '/v1/categories',
  '/v1/tags',
  '/v1/links?limit=5',
  '/v1',
  '/openapi.json',
  '/',
  '/?q=docker',
  '/nowhere/at/all',
]

/** Request header variants every path is asked with; "etag" is replaced by the path's ETag. */
const VARIANTS: Record<string, string>[] = [
  {},
  { origin: 'https://app.example' },
  { origin: 'https://other.example' },
  { 'accept-encoding': 'gzip' },
  { 'accept-encoding': 'br;q=0.5, gzip' },
  { 'accept-encoding': 'gzip;q=0, br;q=0' },
  { 'accept-encoding': '*' },
  { 'if-none-match': 'etag' },
  { 'if-none-match': 'etag-gzip', 'accept-encoding': 'gzip' },
  { 'if-none-match': '"other", etag' },
  { 'if-none-match': '"not-it"' },
  { accept: 'application/json' },
  { accept: 'text/csv' },
  { accept: 'text/markdown, application/json;q=0.5' },
  { 'x-request-id': 'from-the-proxy.42' },
  { 'x-request-id': 'two words' },
  { 'x-request-id': 'x'.repeat(129) },
]

function withEtag(variant: Record<string, string>, etag: string | undefined): Record<string, string> {
  const tag = (etag ?? '"none"').replace(/^"|"$/g, '')
  return Object.fromEntries(
    Object.entries(variant).map(([name, value]) => [
      name,
      name === 'if-none-match'
        ? value.replace('etag-gzip', `"${tag}-gzip"`).replace(/\betag\b/, `"${tag}"`)
        : value,
    ]),
  )
}

describe.each([
  ['any origin (the default)', {}],
  ['listed origins', { CORS_ORIGINS: 'https://app.example,https://b.example' }],
])('the fast path, CORS for %s', (_name, env) => {
  let fast: Side
  let hooks: Side
  beforeAll(async () => {
    fast = await start(`fast-${Object.keys(env).length}`, env, true)
    hooks = await start(`hooks-${Object.keys(env).length}`, env, false)
  })
  afterAll(async () => {
    await fast.app.close()
    await hooks.app.close()
  })

  it('is on with these settings, and off in the app it is compared with', () => {
    expect(fast.app.fastPath).not.toBeNull()
    expect(hooks.app.fastPath).toBeNull()
  })

  it.each(['GET', 'HEAD'])(
    'answers %s hits exactly as the hooks do: status, every header, body',
    async (method) => {
      let compared = 0
      for (const path of PATHS) {
        // Both apps get the same requests throughout, so their metrics can be compared.
        const etag = (await send(hooks.port, 'GET', path)).headers.etag
        await send(fast.port, 'GET', path)
        for (const variant of VARIANTS) {
          const headers = withEtag(variant, etag)
          const label = `${method} ${path} ${JSON.stringify(headers)}`
          const hooksFirst = await send(hooks.port, method, path, headers)
          const hooksHit = await send(hooks.port, method, path, headers)
          await send(fast.port, method, path, headers)
          const before = fast.fastAnswers()
          const fastHit = await send(fast.port, method, path, headers)
          expect(comparable(fastHit), label).toEqual(comparable(hooksHit))
          // The cache's answers are the route's own: a hit is what the first (computed) answer was.
          expect(comparable(hooksHit), label).toEqual(comparable(hooksFirst))
          if (fast.fastAnswers() > before) compared++
          if (variant['x-request-id'] === 'from-the-proxy.42') {
            expect(fastHit.headers['x-request-id']).toBe('from-the-proxy.42')
          }
        }
      }
      // Most of the table was answered by the fast path (Accept: text/csv on a list,
      // the streamed pages and refusals are not cached, and go to Fastify).
      expect(compared).toBeGreaterThan(PATHS.length * VARIANTS.length * 0.6)
    },
  )

  it('writes the same access-log line as the hooks, with the id it answered with', async () => {
    for (const path of PATHS) {
      for (const side of [fast, hooks]) {
        await send(side.port, 'GET', path, { origin: 'https://app.example' })
      }
      const fastLine = await lastLineFor(fast, path)
      const hooksLine = await lastLineFor(hooks, path)
      const answer = await send(fast.port, 'GET', path)
      await send(hooks.port, 'GET', path)
      const logged = await lastLineFor(fast, path)
      expect(logged.reqId).toBe(answer.headers['x-request-id'])
      const strip = ({ time: _t, reqId: _r, responseTime: _rt, pid: _p, ...rest }: Record<string, unknown>) =>
        rest
      expect(strip(fastLine), path).toEqual(strip(hooksLine))
      expect(Object.keys(fastLine), path).toEqual(Object.keys(hooksLine))
      expect(typeof fastLine.responseTime).toBe('number')
    }
  })

  it('counts its answers in the same metrics series as the hooks', async () => {
    const series = async (side: Side) => {
      const text = await side.app.metrics?.scrape()
      return (text ?? '')
        .split('\n')
        .filter((line) => line.startsWith('http_requests_total{'))
        .sort()
    }
    expect(await series(fast)).toEqual(await series(hooks))
    expect((await series(fast)).length).toBeGreaterThan(5)
  })

  async function lastLineFor(side: Side, path: string) {
    const lines = side.logLines().filter((line) => line.url === path)
    const last = lines.at(-1)
    if (!last) throw new Error(`no log line for ${path}`)
    return last
  }
})

describe('the fast path steps aside', () => {
  it.each([
    ['rate limiting is on (its counters and headers are per request)', { RATE_LIMIT_MAX: '100' }],
    ['a proxy is trusted (the client address comes from X-Forwarded-For)', { TRUST_PROXY: 'true' }],
    ['the response cache is off', { RESPONSE_CACHE_ENTRIES: '0' }],
  ])('when %s', async (_name, env) => {
    const config = loadConfig({
      DATABASE_PATH: databasePath,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MAX: '0',
      ...env,
    })
    const app = await buildApp(config, { logger: false })
    try {
      expect(app.fastPath).toBeNull()
    } finally {
      await app.close()
    }
  })

  it('once the server drains (SIGTERM: answers then carry Connection: close)', async () => {
    const side = await start('draining', {}, true)
    try {
      const path = '/v1/categories'
      await send(side.port, 'GET', path)
      await send(side.port, 'GET', path)
      expect(side.fastAnswers()).toBe(1)
      side.app.drain()
      const answer = await send(side.port, 'GET', path)
      expect(side.fastAnswers()).toBe(1)
      expect(answer.status).toBe(200)
      expect(answer.headers.connection).toBe('close')
    } finally {
      await side.app.close()
    }
  })

  it('once the server is closing (answers then carry Connection: close)', async () => {
    const side = await start('closing', {}, true)
    const path = '/v1/categories'
    await send(side.port, 'GET', path)
    await send(side.port, 'GET', path)
    expect(side.fastAnswers()).toBe(1)
    await side.app.close()
    // A cached URL, but the server is closing: Fastify answers it (with Connection: close).
    const request = { method: 'GET', url: path, headers: {} }
    expect(side.app.fastPath?.(request as never, {} as never)).toBe(false)
  })
})

afterAll(() => cleanup())
