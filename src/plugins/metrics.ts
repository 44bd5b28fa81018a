import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { packageInfo } from '../paths.js'
import { DurationHistogram } from './duration-histogram.js'

// Prometheus metrics with prom-client. This plugin only collects; server.ts serves
// them on their own port (METRICS_PORT), never on the public one.
//
// Labels stay bounded whatever clients send, so a scan of random URLs cannot grow
// the series without limit (a test sends thousands and counts them):
//   route        the route template (/v1/resources/:id), or UNMATCHED for any URL no
//                route serves; never the raw URL
//   method       one of the standard methods, or OTHER_METHOD
//   status_code  the status class: 2xx, 3xx, 4xx or 5xx
// so the series number at most (routes + 1) × (methods + 1) × 4. The refusals that
// matter to an operator in their own right (429 from the rate limiter, 503 from
// load shedding) have their own counters.

/** The route label of a request no route matched (404, 405, a malformed URL). */
export const UNMATCHED = 'unmatched'
/** The method label of any method not in STANDARD_METHODS. */
export const OTHER_METHOD = 'other'
/** RFC 9110's methods and PATCH; Node's parser accepts some thirty more (PROPFIND, QUERY, …). */
export const STANDARD_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const

// Cached answers take about 0.1 ms, the slowest searches tens of ms: the buckets
// start finer than prom-client's default (5 ms), which would put every cached
// answer in the first bucket and make p50/p99 of the fast routes meaningless.
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export type Metrics = {
  /** This app's own series: requests, the response cache, refusals. */
  registry: Registry
  /** What a scrape returns: this app's series, then the process's (CPU, memory, heap, GC, event loop). */
  scrape(): Promise<string>
  contentType: string
  /** Every route template and method the app serves: the values the route label can take besides UNMATCHED. */
  routes: ReadonlyArray<{ method: string; url: string }>
  /**
   * Counts an answer Fastify gives before routing (a malformed URL, an over-long
   * parameter: its frameworkErrors handler), for which no hook runs. Call it before
   * sending; the time is measured from the call to the last byte.
   */
  unrouted(request: FastifyRequest, reply: FastifyReply): void
  /**
   * Counts an answer given without Fastify's hooks (the response cache's fast
   * path): its route template (or UNMATCHED), method, status and seconds.
   */
  observe(route: string, method: string, status: number, seconds: number): void
  /** A node:http request listener answering GET /metrics; server.ts listens with it. */
  handler(request: IncomingMessage, response: ServerResponse): void
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's Prometheus metrics; null when they are off (METRICS_PORT=0). */
    metrics: Metrics | null
  }
}

let processRegistry: Registry | undefined

/**
 * The process's default metrics, registered once per process: each call of
 * collectDefaultMetrics starts a GC observer and an event-loop monitor that are
 * never stopped, and the process is one whatever number of apps it builds (tests
 * build dozens).
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export type MetricsOptions = { enabled: boolean }

async function metrics(app: FastifyInstance, options: MetricsOptions) {
  if (!options.enabled) {
    app.decorate('metrics', null)
    return
  }
  const registry = new Registry()
  const labelNames = ['method', 'route', 'status_code'] as const
  const duration = new DurationHistogram(
    'http_request_duration_seconds',
    'Time from the request’s arrival to its response’s last byte, by route template and status class.',
    DURATION_BUCKETS,
  )
  registry.registerMetric(duration.asMetric())
  // The histogram's own _count, per series, read at scrape time: the same number,
  // under the name dashboards expect, at no cost per request.
  new Counter({
    name: 'http_requests_total',
    help: 'Requests answered, by route template and status class.',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset()
      for (const sample of (await duration.get()).values) {
        if (sample.metricName === 'http_request_duration_seconds_count') this.inc(sample.labels, sample.value)
      }
    },
  })

  // The counters below are kept by the plugins that own them (plain integers, no
  // per-request cost here) and read only when Prometheus scrapes.
  new Counter({
    name: 'http_response_cache_hits_total',
    help: 'GET and HEAD requests answered from the in-memory response cache.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(app.httpCacheStats().hits)
    },
  })
  new Counter({
    name: 'http_response_cache_misses_total',
    help: 'Cacheable answers the response cache did not hold, computed by their route.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(app.httpCacheStats().misses)
    },
  })
  new Gauge({
    name: 'http_response_cache_entries',
    help: 'Responses held by the response cache.',
    registers: [registry],
    collect() {
      this.set(app.httpCacheStats().entries)
    },
  })
  new Gauge({
    name: 'http_response_cache_bytes',
    help: 'Bytes held by the response cache (bodies and compressed variants).',
    registers: [registry],
    collect() {
      this.set(app.httpCacheStats().bytes)
    },
  })
  new Counter({
    name: 'http_requests_rate_limited_total',
    help: 'Requests refused with 429 because their client went over RATE_LIMIT_MAX.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(app.rateLimitStats().limited)
    },
  })
  new Counter({
    name: 'http_requests_shed_total',
    help: 'Requests refused with 503 because the event loop lagged over MAX_EVENT_LOOP_DELAY_MS.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(app.loadSheddingStats().shed)
    },
  })
  // The log destination (log-destination.ts) drops lines only while stdout refuses
  // writes and its bounded buffer is full; a dashboard alerts on any increase.
  new Counter({
    name: 'log_lines_dropped_total',
    help: 'Log lines dropped because stdout was not being read fast enough and the log buffer was full.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(app.logStats?.()?.dropped ?? 0)
    },
  })
  new Gauge({
    name: 'docker_resources_api_build_info',
    help: 'Always 1; the labels say which version runs on which Node (useful during a rolling update).',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  }).set({ version: packageInfo.version, nodejs_version: process.versions.node }, 1)

  const known = new Set(STANDARD_METHODS)
  const label = (method: string) => (known.has(method) ? method : OTHER_METHOD)
  /** A route's series: one per method and status class, created on first use. */
  function seriesOf(route: string) {
    const byMethod = new Map<string, ((seconds: number) => void)[]>()
    return (method: string, status: number, seconds: number): void => {
      let byClass = byMethod.get(method)
      if (byClass === undefined) {
        byClass = []
        byMethod.set(method, byClass)
      }
      const index = Math.min(Math.max(Math.floor(status / 100), 1), 5) - 1
      let observe = byClass[index]
      if (observe === undefined) {
        observe = duration.child({
          method: label(method),
          route,
          status_code: STATUS_CLASSES[index] as string,
        })
        byClass[index] = observe
      }
      observe(seconds)
    }
  }

  // Each route gets its own onResponse hook, which knows its template: nothing is
  // looked up per request (request.routeOptions builds an object on every read).
  // onResponse runs for every request, answers from the response cache's onRequest
  // hook included, and Fastify has already timed it (reply.elapsedTime, ms).
  const routes: { method: string; url: string }[] = []
  const byTemplate = new Map<string, ReturnType<typeof seriesOf>>()
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
    const record = byTemplate.get(route.url) ?? seriesOf(route.url)
    byTemplate.set(route.url, record)
    const countRequest: onResponseHookHandler = (request, reply, done) => {
      record(request.method, reply.statusCode, reply.elapsedTime / 1000)
      done()
    }
    route.onResponse = [...(route.onResponse ? [route.onResponse].flat() : []), countRequest]
  })
  // Requests no route matched (404, 405) go through the not-found handler, which
  // no onRoute sees.
  const unmatched = seriesOf(UNMATCHED)
  byTemplate.set(UNMATCHED, unmatched)
  app.addHook('onResponse', function countUnmatched(request, reply, done) {
    if (request.is404) unmatched(request.method, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  function unrouted(request: FastifyRequest, reply: FastifyReply): void {
    const started = performance.now()
    reply.raw.once('finish', () => {
      unmatched(request.method, reply.statusCode, (performance.now() - started) / 1000)
    })
  }

  function observe(route: string, method: string, status: number, seconds: number): void {
    ;(byTemplate.get(route) ?? unmatched)(method, status, seconds)
  }

  async function scrape(): Promise<string> {
    return (await registry.metrics()) + (await processMetrics().metrics())
  }

  app.decorate('metrics', {
    registry,
    routes,
    unrouted,
    observe,
    scrape,
    contentType: registry.contentType,
    handler: (request, response) => serveMetrics(scrape, registry.contentType, request, response),
  } satisfies Metrics)
}

function problem(response: ServerResponse, status: number, detail: string, instance: string): void {
  const body = JSON.stringify({
    type: 'about:blank',
    title: status === 404 ? 'Not Found' : 'Method Not Allowed',
    status,
    detail,
    instance,
  })
  response.writeHead(status, {
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
  })
  response.end(body)
}

/** The metrics port: GET (or HEAD) /metrics, and a clear error for anything else. */
function serveMetrics(
  scrape: () => Promise<string>,
  contentType: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/'
  if (path !== '/metrics') {
    problem(response, 404, `No resource at ${path}; the metrics are at /metrics.`, path)
    return
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD')
    problem(response, 405, `${request.method} is not supported on /metrics; allowed: GET, HEAD.`, path)
    return
  }
  scrape().then(
    (body) => {
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : body)
    },
    (error: Error) => {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(`cannot collect metrics: ${error.message}\n`)
    },
  )
}

export default fp(metrics, {
  name: 'metrics',
  fastify: '5.x',
  // The response cache's stats are read at scrape time only; it registers later.
  dependencies: ['rate-limit', 'load-shedding'],
})
