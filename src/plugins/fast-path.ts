import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { corsHeaders } from './cors.js'
import type { RawAnswer } from './http-cache.js'
import { REQUEST_ID_HEADER, requestId } from './request-id.js'
import { headersFor } from './security.js'

// A response-cache hit answered from the server's request listener, before Fastify
// builds a request and a reply, routes, and runs its hooks: the cached answer of a
// read-only API costs what writing its bytes costs, plus what every answer must
// still carry. That is everything Fastify's hooks would have done for the hit, and
// nothing else, in the same order:
//   X-Request-Id (an incoming safe id kept), the security headers of the URL, CORS
//   (the allowed origin reflected and Vary: Origin when origins are listed), the
//   cache's own (Cache-Control, Vary, ETag, 304 for If-None-Match, the br or gzip
//   body Accept-Encoding asks for, HEAD without a body), the access-log line (the
//   same JSON, with the request id and the time to the last byte), and the metrics.
// test/http/fast-path.test.ts holds every header, body and log line equal to what
// the hooks give for a table of requests.
//
// It steps aside (the request goes to Fastify as before) whenever a hook could
// answer differently from the cache: the event loop lags (load shedding answers
// 503), the server is draining or closing (answers close their connection), rate
// limiting is on (its counters and headers are per request), or a proxy is
// trusted (the client's address comes from X-Forwarded-For).

export type FastPathOptions = {
  corsOrigins: string[]
  /** The fast path is off when rate limiting is on (max > 0). */
  rateLimitMax: number
  trustProxy: unknown
  /** Off when the response cache is off. */
  responseCacheEntries: number
  /** Tests turn it off to compare with Fastify's own path. */
  enabled?: boolean
}

export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean

declare module 'fastify' {
  interface FastifyInstance {
    /** Answers a cached GET or HEAD and returns true, or returns false for Fastify to answer. */
    fastPath: FastPath | null
  }
}

async function fastPathPlugin(app: FastifyInstance, options: FastPathOptions) {
  const usable =
    options.enabled !== false &&
    options.rateLimitMax === 0 &&
    options.trustProxy === false &&
    options.responseCacheEntries > 0
  if (!usable) {
    app.decorate('fastPath', null)
    return
  }
  const cors = corsHeaders(options.corsOrigins)
  const accessLog = app.accessLog
  const metrics = app.metrics
  const underPressure: () => boolean = app.hasDecorator('isUnderPressure')
    ? (app as unknown as { isUnderPressure: () => boolean }).isUnderPressure
    : () => false
  // Every header but the request id is the same for all the requests an entry
  // answers in one coding with one CORS answer (cors() gives one array per origin it
  // answers), so each such list is built once, with a slot for the id: a request
  // copies it and fills the slot in.
  const lists = new WeakMap<string[], Map<[string, string][], string[]>>()
  function headerList(url: string, answer: RawAnswer, corsHeaders: [string, string][]): string[] {
    let byCors = lists.get(answer.headers)
    if (byCors === undefined) {
      byCors = new Map()
      lists.set(answer.headers, byCors)
    }
    let list = byCors.get(corsHeaders)
    if (list === undefined) {
      list = [REQUEST_ID_HEADER, '', ...Object.entries(headersFor(url)).flat()]
      let varied = false
      for (const [name, value] of corsHeaders) {
        if (name === 'vary') {
          list.push('vary', `${value}, ${answer.vary}`)
          varied = true
        } else list.push(name, value)
      }
      list.push('cache-control', answer.cacheControl)
      if (!varied) list.push('vary', answer.vary)
      list.push(...answer.headers)
      byCors.set(corsHeaders, list)
    }
    return list
  }

  const fastPath: FastPath = (request, response) => {
    const method = request.method
    if ((method !== 'GET' && method !== 'HEAD') || app.draining || underPressure()) return false
    const started = performance.now()
    const answer = app.httpCacheAnswer(request)
    if (answer === null) return false
    const url = request.url as string
    const id = requestId(request)
    const headers = headerList(url, answer, cors(request.headers.origin)).slice()
    headers[1] = id
    // As Fastify times an answer: to its last byte ('finish'), or to a failed write.
    const record = () => {
      const elapsed = performance.now() - started
      metrics?.observe(answer.route, method, answer.status, elapsed / 1000)
      accessLog(id, method, url, answer.status, elapsed, request.socket.remoteAddress)
    }
    response.writeHead(answer.status, headers)
    response.end(answer.body ?? undefined)
    // A cached answer is small: its last byte is usually with the kernel already,
    // and 'finish' would only follow in the next tick. It is timed now then, without
    // two listeners added and removed per request, and otherwise (a full socket, a
    // pipelined request waiting for its turn) at 'finish' or a failed write.
    if (response.socket !== null && response.writableLength === 0) record()
    else {
      const finished = () => {
        response.off('finish', finished)
        response.off('error', finished)
        record()
      }
      response.on('finish', finished)
      response.on('error', finished)
    }
    return true
  }
  app.decorate('fastPath', fastPath)
}

export default fp(fastPathPlugin, {
  name: 'fast-path',
  fastify: '5.x',
  dependencies: ['access-log', 'drain', 'http-cache', 'metrics', 'load-shedding'],
})
