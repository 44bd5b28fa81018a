import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MetricObjectWithValues, MetricValue } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import type { Metrics } from '../../src/plugins/metrics.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The metrics the app collects, read from its registry after real requests, and
// the request listener server.ts serves them with.

let api: TestApp | undefined
let server: Server | undefined
afterEach(async () => {
  if (server) await new Promise((resolve) => server?.close(resolve))
  server = undefined
  await api?.close()
  api = undefined
})

async function start(env: Record<string, string> = {}): Promise<Metrics> {
  api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0', ...env })
  const metrics = api.app.metrics
  if (!metrics) throw new Error('metrics are off')
  return metrics
}

async function values(metrics: Metrics, name: string): Promise<MetricValue<string>[]> {
  const metric = metrics.registry.getSingleMetric(name)
  if (!metric) throw new Error(`no metric ${name}`)
  return ((await metric.get()) as MetricObjectWithValues<MetricValue<string>>).values
}

async function value(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await values(metrics, name)).filter((item) =>
    Object.entries(labels).every(([key, label]) => item.labels[key] === label),
  )
  return found.reduce((sum, item) => sum + item.value, 0)
}

describe('request metrics', () => {
  it('label requests by route template, method and status class, never by raw URL', async () => {
    const metrics = await start()
    const { http } = api as TestApp
    const list = (await http().get('/v1/resources?limit=2').expect(200)).body as { data: { id: string }[] }
    const id = list.data[0]?.id ?? ''
    await http().get(`/v1/resources/${id}`).expect(200)
    await http().get('/v1/resources/no-such-resource').expect(404)
    await http().get('/no/such/path?x=1').expect(404)
    await http().post('/v1/tags').expect(405)

    const total = await values(metrics, 'http_requests_total')
    expect(total).toEqual(
      expect.arrayContaining([
        { labels: { method: 'GET', route: '/v1/resources', status_code: '2xx' }, value: 1 },
        { labels: { method: 'GET', route: '/v1/resources/:id', status_code: '2xx' }, value: 1 },
        { labels: { method: 'GET', route: '/v1/resources/:id', status_code: '4xx' }, value: 1 },
        { labels: { method: 'GET', route: 'unmatched', status_code: '4xx' }, value: 1 },
        { labels: { method: 'POST', route: 'unmatched', status_code: '4xx' }, value: 1 },
      ]),
    )
    const routes = new Set(total.map((item) => item.labels.route))
    expect([...routes].some((route) => String(route).includes(id) || String(route).includes('?'))).toBe(false)

    // The histogram has the same series, with buckets fine enough for fast answers.
    expect(
      await value(metrics, 'http_request_duration_seconds', {
        route: '/v1/resources/:id',
        status_code: '4xx',
      }),
    ).toBeGreaterThan(0)
    const buckets = (await values(metrics, 'http_request_duration_seconds')).filter(
      (item) =>
        (item as { metricName?: string }).metricName === 'http_request_duration_seconds_bucket' &&
        item.labels.route === '/v1/resources',
    )
    expect(buckets.map((item) => item.labels.le)).toEqual(expect.arrayContaining([0.0005, 0.001, 10, '+Inf']))
  })

  it('count what Fastify refuses before routing (a malformed URL), for which no hook runs', async () => {
    const metrics = await start()
    const response = await api?.app.inject('/v1/resources/%E0%A4%A')
    expect(response?.statusCode).toBe(400)
    expect(await value(metrics, 'http_requests_total', { route: 'unmatched', status_code: '4xx' })).toBe(1)
    expect(await value(metrics, 'http_request_duration_seconds', { route: 'unmatched' })).toBeGreaterThan(0)
  })

  it('a method outside the standard ones gets the fixed label "other"', async () => {
    const metrics = await start()
    const response = await api?.app.inject({ method: 'PROPFIND', url: '/v1/resources' })
    expect(response?.statusCode).toBeGreaterThanOrEqual(400)
    expect(await value(metrics, 'http_requests_total', { method: 'other' })).toBe(1)
    expect(await value(metrics, 'http_requests_total', { method: 'PROPFIND' })).toBe(0)
  })

  it('count answers served from the response cache, which never reach a route', async () => {
    const metrics = await start()
    const { http } = api as TestApp
    await http().get('/v1/categories').expect(200)
    await http().get('/v1/categories').expect(200)
    const etag = String((await http().get('/v1/categories').expect(200)).headers.etag)
    await http().get('/v1/categories').set('if-none-match', etag).expect(304)

    expect(await value(metrics, 'http_requests_total', { route: '/v1/categories', status_code: '2xx' })).toBe(
      3,
    )
    expect(await value(metrics, 'http_requests_total', { route: '/v1/categories', status_code: '3xx' })).toBe(
      1,
    )
    expect(await value(metrics, 'http_response_cache_misses_total')).toBe(1)
    expect(await value(metrics, 'http_response_cache_hits_total')).toBe(3)
    expect(await value(metrics, 'http_response_cache_entries')).toBe(1)
    expect(await value(metrics, 'http_response_cache_bytes')).toBe(api?.app.httpCacheStats().bytes)
  })

  it('count 429s from the rate limiter', async () => {
    const metrics = await start({ RATE_LIMIT_MAX: '2' })
    const { http } = api as TestApp
    await http().get('/v1/tags').expect(200)
    await http().get('/v1/tags').expect(200)
    await http().get('/v1/tags').expect(429)
    await http().get('/v1/categories').expect(429)
    expect(await value(metrics, 'http_requests_rate_limited_total')).toBe(2)
    expect(await value(metrics, 'http_requests_total', { status_code: '4xx' })).toBe(2)
  })

  it('count 503s from load shedding', async () => {
    const metrics = await start({ MAX_EVENT_LOOP_DELAY_MS: '100' })
    expect((await api?.app.inject('/v1/tags'))?.statusCode).toBe(200)
    // Saturate the event loop for longer than the sampling interval (1 s).
    const until = Date.now() + 1500
    while (Date.now() < until) {
      // busy: nothing else runs
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect((await api?.app.inject('/v1/tags'))?.statusCode).toBe(503)
    expect(await value(metrics, 'http_requests_shed_total')).toBe(1)
    expect(await value(metrics, 'http_requests_total', { status_code: '5xx' })).toBe(1)
  })

  it('the scrape has the process metrics: CPU, resident memory, heap, GC, event-loop lag', async () => {
    const metrics = await start()
    const text = await metrics.scrape()
    for (const name of [
      'http_requests_total',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'docker_resources_api_build_info',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'))
    }
    // Every family once: the process's and the app's series do not overlap.
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '))
    expect(new Set(types).size).toBe(types.length)
  })

  it('are not served on the public port', async () => {
    await start()
    await (api as TestApp).http().get('/metrics').expect(404)
  })

  it('METRICS_PORT=0 turns them off: no registry, no hook', async () => {
    api = await startTestApp({ METRICS_PORT: '0' })
    expect(api.app.metrics).toBeNull()
    await api.http().get('/v1/tags').expect(200)
    await api.http().get('/metrics').expect(404)
  })
})

describe('the metrics port', () => {
  async function listen(): Promise<string> {
    const metrics = await start()
    server = createServer(metrics.handler)
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  it('answers GET /metrics in the Prometheus text format', async () => {
    const origin = await listen()
    await api?.http().get('/v1/tags').expect(200)
    const response = await fetch(`${origin}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toContain(
      'http_requests_total{method="GET",route="/v1/tags",status_code="2xx"} 1',
    )
    const head = await fetch(`${origin}/metrics`, { method: 'HEAD' })
    expect(head.status).toBe(200)
  })

  it('refuses other paths and methods with problem+json', async () => {
    const origin = await listen()
    const missing = await fetch(`${origin}/`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json; charset=utf-8')
    expect(await missing.json()).toMatchObject({
      status: 404,
      detail: 'No resource at /; the metrics are at /metrics.',
    })
    const post = await fetch(`${origin}/metrics`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })
})
