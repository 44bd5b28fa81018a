import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, LookupFunction } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createSecureContext } from 'node:tls'
import { gzipSync } from 'node:zlib'
import type { Transport } from '../../../src/links/http-client.js'
import type { TestCertificates } from './certificates.js'

// The web the link checker sees in tests: one HTTP and one HTTPS server on loopback
// that answer for any name ending in .test (the Host header or SNI tells them
// apart), with a path for every case of issue 8, and a fake Wayback CDX service at
// /cdx/search/cdx. Every request is recorded with its headers and times, and the server
// counts the requests it has in flight per host, so politeness is measured where a
// real site would see it. Names that do not end in .test do not resolve.

export type RecordedRequest = {
  host: string
  method: string
  path: string
  secure: boolean
  headers: IncomingHttpHeaders
  start: number
  end: number
}

export type Fixture = {
  address: string
  httpPort: number
  httpsPort: number | undefined
  requests: RecordedRequest[]
  /** Names the injected DNS lookup was asked for. */
  lookups: string[]
  /** The most requests in flight at once, in all and to one host. */
  maxInFlight: number
  maxInFlightPerHost: number
  /** What the CDX service answers, by the `url` asked (default: no capture). */
  archive: Map<string, string[][]>
  /** Whether /service answers 200 (else 503): a site that goes down and comes back. */
  serviceUp: boolean
  /** Bytes of /big written before the client went away, and whether all were. */
  big: { written: number; complete: boolean }
  transport: Transport
  requestsTo(host: string, path?: string): RecordedRequest[]
  close(): Promise<void>
}

export const BIG_BODY = 16 * 1024 * 1024
const HTML = { 'content-type': 'text/html; charset=utf-8' }

function page(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><p>${title}</p></body></html>`
}

/** A DNS lookup that knows the fixture names and nothing else: no real query is ever made. */
export function fixtureLookup(address: string, asked: string[] = []): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    asked.push(hostname)
    process.nextTick(() => {
      if (hostname.endsWith('.test')) {
        if (options?.all) callback(null, [{ address, family: 4 }])
        else callback(null, address, 4)
        return
      }
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
        errno: -3008,
        syscall: 'getaddrinfo',
        hostname,
      })
      callback(error)
    })
  }) as unknown as LookupFunction
}

function listen(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, address, () => resolve((server.address() as AddressInfo).port))
  })
}

export async function startFixture(
  options: { certificates?: TestCertificates; address?: string } = {},
): Promise<Fixture> {
  const address = options.address ?? '127.0.0.1'
  const inFlight = new Map<string, number>()
  let total = 0
  const seen = new Map<string, number>()
  const hanging = new Set<ServerResponse>()

  const fixture: Fixture = {
    address,
    httpPort: 0,
    httpsPort: undefined,
    requests: [],
    lookups: [],
    maxInFlight: 0,
    maxInFlightPerHost: 0,
    archive: new Map(),
    serviceUp: false,
    big: { written: 0, complete: false },
    transport: {},
    requestsTo: (host, path) =>
      fixture.requests.filter(
        (request) => request.host === host && (path === undefined || request.path === path),
      ),
    close: async () => {
      for (const response of hanging) response.destroy()
      for (const server of servers) server.closeAllConnections()
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
    },
  }

  const handle = (secure: boolean) => (request: IncomingMessage, response: ServerResponse) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
    const url = new URL(request.url ?? '/', `http://${host}`)
    const record: RecordedRequest = {
      host,
      method: request.method ?? 'GET',
      path: url.pathname,
      secure,
      headers: request.headers,
      start: performance.now(),
      end: Number.NaN,
    }
    fixture.requests.push(record)
    const key = bareHost(host)
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1)
    total++
    fixture.maxInFlight = Math.max(fixture.maxInFlight, total)
    fixture.maxInFlightPerHost = Math.max(fixture.maxInFlightPerHost, inFlight.get(key) ?? 0)
    let done = false
    const finished = () => {
      if (done) return
      done = true
      record.end = performance.now()
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1)
      total--
    }
    response.on('finish', finished)
    response.on('close', finished)
    const count = (seen.get(`${host}${url.pathname}`) ?? 0) + 1
    seen.set(`${host}${url.pathname}`, count)
    route({ request, response, host, url, secure, count })
  }

  const redirect = (response: ServerResponse, status: number, location: string, headers = {}) => {
    response.writeHead(status, { location, ...headers })
    response.end()
  }
  const send = (response: ServerResponse, status: number, title: string, headers = {}) => {
    response.writeHead(status, { ...HTML, ...headers })
    response.end(page(title))
  }

  type Context = {
    request: IncomingMessage
    response: ServerResponse
    host: string
    url: URL
    secure: boolean
    count: number
  }

  function route({ request, response, host, url, secure, count }: Context) {
    const path = url.pathname
    if (path === '/cdx/search/cdx') {
      const rows = fixture.archive.get(url.searchParams.get('url') ?? '') ?? []
      const body = rows.length > 0 ? [['timestamp', 'original'], ...rows] : []
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(body))
      return
    }
    const hops = /^\/hops\/(\d+)$/.exec(path)
    if (hops) {
      const left = Number(hops[1])
      if (left > 0) redirect(response, 302, `/hops/${left - 1}`)
      else send(response, 200, 'The end of the chain')
      return
    }
    switch (path) {
      case '/':
        return send(response, 200, 'Home')
      case '/ok':
      case '/new-home':
      case '/slash/':
      case '/cookie-check':
        return send(response, 200, 'A fine page')
      case '/slash':
        return redirect(response, 301, '/slash/')
      case '/to-https':
        return secure
          ? send(response, 200, 'Secure page')
          : redirect(response, 301, `https://${host}/to-https`)
      case '/to-www':
        return host.startsWith('www.')
          ? send(response, 200, 'www page')
          : redirect(response, 301, `http://www.${host}/to-www`)
      case '/moved':
        return redirect(response, 301, '/new-home')
      case '/moved-308':
        return redirect(response, 308, '/new-home')
      case '/found':
        return redirect(response, 302, '/new-home')
      case '/temporary-307':
        return redirect(response, 307, '/new-home')
      case '/see-other':
        return redirect(response, 303, '/new-home')
      case '/moved-then-login':
        return redirect(response, 301, '/members')
      case '/members':
        return redirect(response, 302, '/new-home')
      case '/found-then-moved':
        return redirect(response, 302, '/moved')
      case '/elsewhere':
        return redirect(response, 301, 'https://www.secure.test/to-https')
      case '/loop-a':
        return redirect(response, 302, '/loop-b', { 'set-cookie': 'session=abc; Path=/' })
      case '/loop-b':
        return redirect(response, 302, '/loop-a')
      case '/to-mailto':
        return redirect(response, 301, 'mailto:someone@example.org')
      case '/missing':
        return send(response, 404, 'Not Found')
      case '/gone':
        return send(response, 410, 'Gone')
      case '/bad-request':
        return send(response, 400, 'Bad Request')
      case '/login':
        return send(response, 401, 'Log in')
      case '/forbidden':
        return send(response, 403, 'Forbidden')
      case '/linkedin':
        return send(response, 999, 'Request denied')
      case '/challenge':
        return send(response, 403, 'Just a moment...', { 'cf-mitigated': 'challenge', server: 'cloudflare' })
      case '/rate-limited-once':
        return count === 1
          ? send(response, 429, 'Slow down', { 'retry-after': '1' })
          : send(response, 200, 'Fine now')
      case '/rate-limited':
        return send(response, 429, 'Slow down', { 'retry-after': '1' })
      case '/rate-limited-long':
        return send(response, 429, 'Slow down', { 'retry-after': '120' })
      case '/busy-long':
        return send(response, 503, 'Maintenance', { 'retry-after': '120' })
      case '/flaky':
        return count === 1 ? send(response, 503, 'Busy') : send(response, 200, 'Fine now')
      case '/service':
        return fixture.serviceUp ? send(response, 200, 'Back again') : send(response, 503, 'Down for now')
      case '/down':
        return send(response, 500, 'Internal Server Error')
      case '/hang':
        hanging.add(response)
        return
      case '/reset':
        request.socket.destroy()
        return
      case '/head-fails':
        return request.method === 'HEAD'
          ? send(response, 405, 'Method Not Allowed')
          : send(response, 200, 'GET works')
      case '/needs-ua':
        return request.headers['user-agent']
          ? send(response, 200, 'Hello robot')
          : send(response, 403, 'No UA, no page')
      case '/not-found-page':
        return send(response, 200, 'Page Not Found')
      case '/gzip-not-found': {
        response.writeHead(200, { ...HTML, 'content-encoding': 'gzip' })
        response.end(gzipSync(page('404 - nothing here')))
        return
      }
      case '/deep/article':
        return redirect(response, 301, '/')
      case '/set-cookie':
        return redirect(response, 302, '/cookie-check', { 'set-cookie': 'session=abc; Path=/' })
      case '/big':
        return streamBig(response)
      default:
        return send(response, 404, 'Not Found')
    }
  }

  function streamBig(response: ServerResponse): void {
    response.writeHead(200, { ...HTML, 'content-length': String(BIG_BODY) })
    const head = Buffer.from('<!doctype html><html><head><title>A big page</title></head><body>')
    const chunk = Buffer.alloc(64 * 1024, 'x')
    fixture.big = { written: 0, complete: false }
    let written = 0
    const write = () => {
      while (written < BIG_BODY) {
        const piece = written === 0 ? Buffer.concat([head, chunk.subarray(head.length)]) : chunk
        const size = Math.min(piece.length, BIG_BODY - written)
        written += size
        fixture.big.written = written
        if (!response.write(piece.subarray(0, size))) {
          response.once('drain', write)
          return
        }
      }
      fixture.big.complete = true
      response.end()
    }
    response.on('close', () => response.removeAllListeners('drain'))
    write()
  }

  const http = createServer(handle(false))
  const servers: Server[] = [http]
  fixture.httpPort = await listen(http, address)
  const certificates = options.certificates
  if (certificates) {
    const contexts: Record<string, ReturnType<typeof createSecureContext>> = {
      'expired.test': createSecureContext(certificates.expired),
      'wronghost.test': createSecureContext(certificates.wrongHost),
      'selfsigned.test': createSecureContext(certificates.selfSigned),
    }
    const https = createHttpsServer(
      {
        ...certificates.valid,
        SNICallback: (name, callback) =>
          callback(null, contexts[name] ?? createSecureContext(certificates.valid)),
      },
      handle(true),
    )
    servers.push(https)
    fixture.httpsPort = await listen(https, address)
  }
  const portMap: Record<number, number> = { 80: fixture.httpPort }
  if (fixture.httpsPort) portMap[443] = fixture.httpsPort
  fixture.transport = {
    lookup: fixtureLookup(address, fixture.lookups),
    ...(certificates ? { ca: certificates.ca } : {}),
    portMap,
  }
  return fixture
}

function bareHost(host: string): string {
  return host.replace(/^www\./, '')
}
