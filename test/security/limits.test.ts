import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { rawRequest } from './raw-http.js'

// The limits that protect the service: rate limiting per client, security
// headers, load shedding when the event loop lags, and timeouts for slow clients.

let api: TestApp | undefined

afterEach(async () => {
  await api?.close()
  api = undefined
})

describe('rate limiting', () => {
  it('answers over the limit with 429 problem+json, Retry-After and the IETF headers', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '60', MAX_EVENT_LOOP_DELAY_MS: '0' })
    for (let n = 1; n <= 3; n++) {
      const response = await api.app.inject('/v1/tags')
      expect(response.statusCode).toBe(200)
      expect(response.headers['ratelimit-policy']).toBe('"default";q=3;w=60')
      expect(response.headers.ratelimit).toMatch(new RegExp(`^"default";r=${3 - n};t=\\d+$`))
    }
    const refused = await api.app.inject('/v1/resources?q=docker')
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60)
    expect(refused.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/)
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited', title: 'Too Many Requests' })
    // Unknown routes count too: probing is not free.
    expect((await api.app.inject('/nothing')).statusCode).toBe(429)
  })

  it('exempts the health endpoints', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '2', MAX_EVENT_LOOP_DELAY_MS: '0' })
    for (let n = 0; n < 3; n++) await api.app.inject('/v1/tags')
    expect((await api.app.inject('/v1/tags')).statusCode).toBe(429)
    for (let n = 0; n < 10; n++) {
      for (const url of ['/healthz', '/readyz']) {
        const response = await api.app.inject(url)
        expect(response.statusCode).toBe(200)
        expect(response.headers).not.toHaveProperty('ratelimit')
      }
    }
  })

  it('counts each client IP separately', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '2', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const from = (remoteAddress: string) => api?.app.inject({ url: '/v1/tags', remoteAddress })
    expect((await from('192.0.2.1'))?.statusCode).toBe(200)
    expect((await from('192.0.2.1'))?.statusCode).toBe(200)
    expect((await from('192.0.2.1'))?.statusCode).toBe(429)
    expect((await from('192.0.2.2'))?.statusCode).toBe(200)
  })

  it('ignores X-Forwarded-For unless TRUST_PROXY says so: a client cannot pick its bucket', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '1', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const spoof = (ip: string) =>
      api?.app.inject({ url: '/v1/tags', remoteAddress: '192.0.2.9', headers: { 'x-forwarded-for': ip } })
    expect((await spoof('203.0.113.1'))?.statusCode).toBe(200)
    expect((await spoof('203.0.113.2'))?.statusCode).toBe(429)
  })

  it('behind a trusted proxy, limits the forwarded client', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '1', TRUST_PROXY: '127.0.0.1', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const via = (ip: string) =>
      api?.app.inject({ url: '/v1/tags', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': ip } })
    expect((await via('203.0.113.1'))?.statusCode).toBe(200)
    expect((await via('203.0.113.1'))?.statusCode).toBe(429)
    expect((await via('203.0.113.2'))?.statusCode).toBe(200)
  })

  it('is off with RATE_LIMIT_MAX=0', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
    for (let n = 0; n < 50; n++) {
      const response = await api.app.inject('/v1/tags')
      expect(response.statusCode).toBe(200)
      expect(response.headers).not.toHaveProperty('ratelimit-policy')
    }
  })
})

describe('security headers', () => {
  it('every kind of answer carries them, with a deny-all CSP for JSON', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
    for (const url of ['/v1/resources', '/v1/resources?limit=0', '/nothing', '/healthz', '/openapi.json']) {
      const response = await api.app.inject(url)
      expect(response.headers['content-security-policy'], url).toBe(
        "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
      )
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
      expect(response.headers['x-frame-options'], url).toBe('DENY')
      expect(response.headers['referrer-policy'], url).toBe('no-referrer')
      expect(response.headers['strict-transport-security'], url).toMatch(/max-age=\d+/)
      expect(response.headers['cross-origin-resource-policy'], url).toBe('cross-origin')
      expect(response.headers, url).not.toHaveProperty('x-powered-by')
    }
  })

  it('the /docs page gets a same-origin policy instead', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const response = await api.app.inject('/docs/')
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("img-src 'self' data:")
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https:|\*/)
  })
})

describe('load shedding', () => {
  it('answers 503 problem+json with Retry-After while the event loop lags, health still answers', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '100' })
    expect((await api.app.inject('/v1/tags')).statusCode).toBe(200)
    // Saturate the event loop for longer than the sampling interval (1 s).
    const until = Date.now() + 1500
    while (Date.now() < until) {
      // busy: nothing else runs
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    const refused = await api.app.inject('/v1/tags')
    expect(refused.statusCode).toBe(503)
    expect(refused.headers['retry-after']).toBe('5')
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(refused.json()).toMatchObject({ status: 503, code: 'overloaded' })
    expect((await api.app.inject('/healthz')).statusCode).toBe(200)
    expect((await api.app.inject('/readyz')).statusCode).toBe(200)
    // Once the loop is idle again, the next sample lets requests through.
    await new Promise((resolve) => setTimeout(resolve, 2200))
    expect((await api.app.inject('/v1/tags')).statusCode).toBe(200)
  })
})

describe('timeouts and size limits of the real server', () => {
  it('are set deliberately', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const server = api.app.server
    expect(server.headersTimeout).toBe(10_000)
    expect(server.requestTimeout).toBe(30_000)
    expect(server.keepAliveTimeout).toBe(65_000)
    expect(server.timeout).toBe(70_000)
    expect((server as { maxHeaderSize?: number }).maxHeaderSize).toBe(16 * 1024)
    expect(api.app.initialConfig.bodyLimit).toBe(16 * 1024)
  })

  it('a slowloris client that never finishes its headers is cut off', async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
    const { port } = api.app.server.address() as AddressInfo
    const started = Date.now()
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      let received = ''
      socket.write('GET /v1/tags HTTP/1.1\r\nHost: x\r\n')
      const drip = setInterval(() => socket.write('X-a: b\r\n'), 1000)
      socket.on('data', (chunk) => {
        received += chunk.toString()
      })
      socket.on('error', () => {})
      socket.on('close', () => {
        clearInterval(drip)
        resolve(received)
      })
    })
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(9_000)
    expect(elapsed).toBeLessThan(14_000)
    expect(answer).toMatch(/^HTTP\/1.1 408/)
    // The server is fine afterwards.
    expect(
      (await rawRequest(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status,
    ).toBe(200)
  }, 20_000)
})
