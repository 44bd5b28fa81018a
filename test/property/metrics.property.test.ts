import fc from 'fast-check'
import type { MetricObjectWithValues, MetricValue } from 'prom-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OTHER_METHOD, STANDARD_METHODS, UNMATCHED } from '../../src/plugins/metrics.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// Whatever clients send, the metrics' series stay bounded: thousands of random
// methods, paths and queries (real prefixes with random tails, random bytes,
// broken percent-encoding, parameters of every route) may only produce series
// whose route is a registered template or UNMATCHED, whose method is a standard
// one or OTHER_METHOD, and whose status is a class. So the count can never pass
// (routes + 1) × (methods + 1) × 4, however long the server runs.
// Seeded: FC_SEED=<n> npx vitest run test/property/metrics reproduces a run.

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
const RUNS = Number(process.env.FC_RUNS ?? 3000)

let api: TestApp
let ids: string[]
beforeAll(async () => {
  // Rate limiting and load shedding off: every request must reach the metrics hook
  // through the routes, not be cut short by a limit.
  api = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
  const list = (await api.app.inject('/v1/resources?limit=20')).json() as { data: { id: string }[] }
  ids = list.data.map((resource) => resource.id)
})
afterAll(async () => {
  await api.close()
})

const segment = fc.oneof(
  fc.constantFrom('v1', 'resources', 'categories', 'tags', 'docs', 'static', 'openapi.json', 'healthz', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[a-z0-9._~-]){1,12}$/),
  fc.constant('%'),
  fc.constant('..'),
)
const path = fc.oneof(
  fc.array(segment, { maxLength: 6 }).map((parts) => `/${parts.join('/')}`),
  fc
    .constantFrom('/v1/resources/', '/v1/categories/', '/v1/tags/', '/docs/static/')
    .chain((prefix) => segment.map((tail) => `${prefix}${tail}`)),
  fc.constantFrom('/v1', '/v1/resources', '/v1/categories', '/v1/tags', '/healthz', '/readyz', '/'),
)
const query = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom('q', 'limit', 'category', 'tag', 'sort', 'cursor', 'x', '__proto__', 'offset'),
        fc.string({ maxLength: 10 }),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')}`),
)
// Fastify's inject accepts any token as a method; Node's parser would refuse most
// of these before the app, so this is a wider set than the network can send.
const method = fc.oneof(
  fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH', 'TRACE'),
  fc.constantFrom('PROPFIND', 'MKCOL', 'QUERY', 'SEARCH', 'PURGE', 'LINK'),
)

describe('metrics under random traffic', () => {
  it('only ever create series from route templates, known methods and status classes', async () => {
    const metrics = api.app.metrics
    if (!metrics) throw new Error('metrics are off')
    await fc.assert(
      fc.asyncProperty(
        method,
        fc.oneof(
          fc.tuple(path, query).map(([p, q]) => `${p}${q}`),
          fc.constantFrom(...ids).map((id) => `/v1/resources/${id}`),
        ),
        async (verb, url) => {
          const response = await api.app.inject({
            method: verb as 'GET',
            url,
            headers:
              verb === 'OPTIONS'
                ? { origin: 'https://a.example', 'access-control-request-method': 'GET' }
                : {},
          })
          return response.statusCode >= 100
        },
      ),
      { seed: SEED, numRuns: RUNS },
    )

    const templates = new Set(metrics.routes.map((route) => route.url))
    const methods = new Set([...STANDARD_METHODS, OTHER_METHOD])
    const pairs = new Set(metrics.routes.map((route) => `${route.method} ${route.url}`))
    const classes = new Set(['2xx', '3xx', '4xx', '5xx'])
    const read = async (name: string) =>
      (
        (await metrics.registry.getSingleMetric(name)?.get()) as
          | MetricObjectWithValues<MetricValue<string>>
          | undefined
      )?.values ?? []
    const total = await read('http_requests_total')
    for (const { labels } of total) {
      const route = String(labels.route)
      expect(route === UNMATCHED || templates.has(route), route).toBe(true)
      expect(methods.has(String(labels.method)), String(labels.method)).toBe(true)
      expect(classes.has(String(labels.status_code))).toBe(true)
      // A matched route is counted under one of its own methods only.
      if (route !== UNMATCHED)
        expect(pairs.has(`${labels.method} ${route}`), `${labels.method} ${route}`).toBe(true)
    }
    const bound = (templates.size + 1) * methods.size * classes.size
    expect(total.length).toBeLessThanOrEqual(bound)
    // Every request was counted once.
    expect(total.reduce((sum, item) => sum + item.value, 0)).toBe(RUNS + 1)
    const histogram = (await read('http_request_duration_seconds')).filter(
      (item) => (item as { metricName?: string }).metricName === 'http_request_duration_seconds_count',
    )
    expect(histogram.length).toBe(total.length)
    process.stdout.write(
      `metrics property: ${RUNS} random requests (seed ${SEED}) -> ${total.length} series; bound ${bound} (${templates.size} route templates + 1, ${methods.size} methods, ${classes.size} classes)\n`,
    )
  })
})
