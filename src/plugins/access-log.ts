import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import pino from 'pino'
import type { LogDestination, LogDestinationStats } from './log-destination.js'
import { REQUEST_ID_HEADER } from './request-id.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Health endpoints: polled every few seconds, so left out of the access log. */
    health?: boolean
  }
  interface FastifyInstance {
    /** Log lines written and dropped so far (metrics); null when the app was given its own logger. */
    logStats: () => LogDestinationStats | null
    /** Writes one access-log line (the hooks below and the response cache's fast path). */
    accessLog: AccessLogWriter
  }
}

export type AccessLogWriter = (
  reqId: string,
  method: string,
  url: string,
  statusCode: number,
  /** Milliseconds from the request's arrival to its last byte. */
  elapsedMs: number,
  remoteAddress: string | undefined,
) => void

const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** A string as JSON: quoted as it is when nothing needs escaping (nearly always). */
function json(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value)
}

/**
 * The access-log line, byte for byte what `request.log.info({ method, url,
 * statusCode, responseTime, remoteAddress }, 'request completed')` writes with the
 * app's pino logger (its child carries reqId), built without pino's generic
 * serializer: a third of the cost of a cached answer's line. Used only with the
 * logger app.ts configures (no formatters, mixins or redaction), whose bindings
 * (pid, hostname) it copies; test/reliability/access-log.test.ts compares the two.
 * With a logger of the caller's, the line goes through pino.
 */
export function accessLogWriter(log: FastifyBaseLogger, destination: LogDestination | null): AccessLogWriter {
  if (destination === null) {
    return (reqId, method, url, statusCode, elapsedMs, remoteAddress) =>
      log
        .child({ reqId })
        .info(
          { method, url, statusCode, responseTime: Math.round(elapsedMs * 100) / 100, remoteAddress },
          'request completed',
        )
  }
  const bindings = (log as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? ''
  return (reqId, method, url, statusCode, elapsedMs, remoteAddress) => {
    if (!(log as pino.Logger).isLevelEnabled('info')) return
    const address = remoteAddress === undefined ? '' : `,"remoteAddress":${json(remoteAddress)}`
    destination.write(
      `{"level":30,"time":${Date.now()}${bindings},"reqId":${json(reqId)},"method":${json(method)},"url":${json(url)},"statusCode":${statusCode},"responseTime":${Math.round(elapsedMs * 100) / 100}${address},"msg":"request completed"}\n`,
    )
  }
}

export type AccessLogOptions = {
  /** The app's log destination (app.ts), flushed on close; null with a logger of the caller's. */
  destination: LogDestination | null
}

/**
 * One JSON log line per request (Fastify's own logging writes two), carrying the
 * request id, which is also returned to the client as X-Request-Id. (The response
 * cache's fast path writes the same line for the hits it answers: fast-path.ts.)
 */
async function accessLog(app: FastifyInstance, options: AccessLogOptions) {
  const destination = options.destination
  const write = accessLogWriter(app.log, destination)
  app.decorate('logStats', () => destination?.stats ?? null)
  app.decorate('accessLog', write)
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    if (!request.routeOptions.config.health) {
      write(request.id, request.method, request.url, reply.statusCode, reply.elapsedTime, request.ip)
    }
    done()
  })
  // Last of all (onClose hooks run in reverse order of registration, and this
  // plugin is among the first): every line of the shutdown is written.
  app.addHook('onClose', (_app, done) => {
    destination?.close()
    done()
  })
}

export default fp(accessLog, { name: 'access-log', fastify: '5.x' })
