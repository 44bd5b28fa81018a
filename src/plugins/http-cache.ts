import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { pipeline, Readable } from 'node:stream'
import {
  brotliCompressSync,
  createBrotliCompress,
  createGzip,
  gzipSync,
  constants as zlibConstants,
} from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { formatForAccept } from '../exports/media-types.js'
import { packageInfo } from '../paths.js'
import { getDatasetInfo } from '../queries/dataset.js'
import { evictOldest } from '../second-chance.js'
import { UNMATCHED } from './metrics.js'

// The database is opened read-only, so an answer is a pure function of its URL for
// as long as the process runs. This plugin therefore keeps whole serialized
// responses in memory (a bounded LRU keyed by the raw URL) and serves repeats from
// the first onRequest hook, before validation, queries and serialization. The same
// entry carries the strong ETag and, built on first demand, the br and gzip bodies,
// so a repeated request compresses nothing either.
//
// The key is the URL exactly as sent, not a reordered query: the body echoes the
// query in links.self and links.next, so ?a&b and ?b&a are different bytes.
// Headers that differ per request (X-Request-Id, CORS, security headers) are set
// by their own hooks on every request and are never stored.
//
// One header may change a body: Accept, on the resource lists, which serve JSON or
// an export (CSV, NDJSON, Markdown) when ?format= is absent. Only JSON answers are
// stored (exports are streamed), still under the bare URL, marked as negotiated;
// a hit on such an entry is served only when the request's Accept also means JSON.
// A missing Accept, */* and application/json are recognised without parsing, and
// other headers are negotiated once each, so the usual hit stays one Map lookup.
//
// Exports are streamed past the cache (reply.sendStreamed): no body to hash, so
// their validator is a strong ETag over what determines the bytes (the dataset
// version, the code's version and the URL), which also answers If-None-Match
// before any row is read.

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the answer came from the response cache. */
    httpCacheHit: boolean
    /**
     * Set by a route whose answer was chosen by the Accept header: the format it
     * chose. Only 'json' answers are stored; the entry is then kept for requests
     * whose Accept means JSON too.
     */
    negotiatedFormat: string | null
  }
  interface FastifyReply {
    /**
     * Sends a body streamed past the response cache, with the cache's headers: a
     * strong ETag derived from `identity` (what, with the dataset, determines every
     * byte), Cache-Control, a 304 for a matching If-None-Match (open() is then
     * never called), and br or gzip compression as Accept-Encoding allows.
     */
    sendStreamed(identity: string, open: () => Readable): FastifyReply
  }
}

export type HttpCacheOptions = {
  /** Cache-Control max-age of successful answers, seconds; 0 means revalidate every time. */
  maxAge: number
  /** Cache-Control stale-while-revalidate, seconds. */
  staleWhileRevalidate: number
  /** Most responses kept; 0 turns the response cache off (ETag, 304 and compression stay). */
  maxEntries: number
  /** Most bytes kept, bodies and compressed variants together. */
  maxBytes: number
  /** Bodies smaller than this are sent uncompressed: the saving is less than the headers. */
  compressThreshold?: number
}

/** Statuses that depend on the URL alone; 429, 503 and other 4xx/5xx depend on the moment. */
const CACHEABLE_STATUS = new Set([200, 400, 404])
/** Response headers that belong to the representation and are replayed from the cache. */
const STORED_HEADERS = ['content-type', 'link', 'x-total-count'] as const
const COMPRESSIBLE = /json|yaml|text|javascript|xml/
const BROTLI_QUALITY = 5

type Encoding = 'br' | 'gzip'

type Entry = {
  /** Answer chosen by Accept (Vary: accept): served only to requests whose Accept means JSON. */
  negotiated: boolean
  status: number
  headers: [string, string][]
  cacheControl: string
  /** Opaque part of the ETag (200 only), without quotes or encoding suffix. */
  tag: string | null
  body: Buffer
  compressible: boolean
  br?: Buffer
  gzip?: Buffer
  size: number
  /** The route template that answered (the metrics' label), or UNMATCHED. */
  route: string
  /** The fast path's header lists, built on first use: per content coding, and for 304. */
  raw?: Partial<Record<Encoding | 'identity' | 'notModified' | 'notModifiedHead', string[]>>
  /** Served since eviction last passed it: its second chance (second-chance.ts). */
  used?: boolean
}

/**
 * A cached answer for the fast path (fast-path.ts), which writes it to the socket
 * itself: the headers from cache-control on, except Vary, which the caller places
 * (merged with CORS's Vary: Origin when origins are listed), as a flat
 * [name, value, ...] list; the body (null: none).
 */
export type RawAnswer = {
  status: number
  cacheControl: string
  vary: string
  headers: string[]
  body: Buffer | null
  route: string
}

/** The cache's entries, evicted least recently used first, approximately (second-chance.ts). */
class LruCache {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0
  // Plain integers, read only when metrics are scraped: no cost worth measuring. A
  // miss is a storable answer a route had to compute (health checks, refusals and
  // streamed files are never storable, so they count as neither).
  private hits = 0
  private misses = 0

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** The entry for key, marked as used; served() counts it once it is really served. */
  get(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry) entry.used = true
    return entry
  }

  served(): void {
    this.hits++
  }

  /** Offered every answer it could have served: each one is a miss, stored or not. */
  set(key: string, entry: Entry): void {
    this.misses++
    if (this.maxEntries === 0 || entry.size > this.maxBytes / 4) return
    this.delete(key)
    this.entries.set(key, entry)
    this.bytes += entry.size + key.length
    this.evict()
  }

  /** Accounts for a compressed variant added to an entry after it was stored. */
  grow(key: string, bytes: number): void {
    if (!this.entries.has(key)) return
    this.bytes += bytes
    this.evict()
  }

  private delete(key: string): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.bytes -= old.size + key.length
    }
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries || this.bytes > this.maxBytes) {
      const evicted = evictOldest(this.entries)
      if (!evicted) return
      const [key, entry] = evicted
      this.bytes -= entry.size + key.length
    }
  }

  get stats() {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses }
  }
}

/**
 * The encoding to send, from Accept-Encoding (RFC 9110 §12.5.3): br is preferred
 * over gzip at equal weight, q=0 refuses a coding, and * stands for any coding
 * not named. Identity is always acceptable here (we never answer 406).
 */
export function negotiateEncoding(header: string | undefined): Encoding | null {
  if (!header) return null
  let best: Encoding | null = null
  let bestQ = 0
  const named = new Map<string, number>()
  for (const part of header.toLowerCase().split(',')) {
    const [coding = '', ...params] = part.split(';').map((item) => item.trim())
    if (coding === '') continue
    let q = 1
    for (const param of params) {
      if (param.startsWith('q=')) q = Number(param.slice(2))
    }
    named.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isFinite(q) ? q : 0)
  }
  const any = named.get('*')
  for (const coding of ['br', 'gzip'] as const) {
    const q = named.get(coding) ?? any ?? 0
    if (q > bestQ) {
      best = coding
      bestQ = q
    }
  }
  return best
}

/**
 * Whether If-None-Match names the current representation. The comparison is the
 * weak one RFC 9110 §13.1.2 prescribes (W/ ignored), and a tag given for another
 * content coding of the same body matches too: a cache that stored the gzip
 * variant may revalidate it while asking for br.
 */
export function ifNoneMatchHits(header: string | undefined, tag: string): boolean {
  if (header === undefined) return false
  if (header.trim() === '*') return true
  for (let item of header.split(',')) {
    item = item.trim()
    if (item.startsWith('W/')) item = item.slice(2)
    if (item.length < 2 || item[0] !== '"' || item.at(-1) !== '"') continue
    const opaque = item.slice(1, -1)
    if (opaque === tag || opaque === `${tag}-br` || opaque === `${tag}-gzip`) return true
  }
  return false
}

export function appendVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary')
  if (current === undefined) {
    reply.header('vary', field)
    return
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current)
  if (
    text === '*' ||
    text
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes(field)
  )
    return
  reply.header('vary', `${text}, ${field}`)
}

async function httpCache(app: FastifyInstance, options: HttpCacheOptions) {
  const threshold = options.compressThreshold ?? 1024
  const cache = new LruCache(options.maxEntries, options.maxBytes)
  const okPolicy =
    options.maxAge > 0
      ? `public, max-age=${options.maxAge}, stale-while-revalidate=${options.staleWhileRevalidate}`
      : 'no-cache'
  let datasetVersion: string | undefined

  function version(): string {
    if (datasetVersion === undefined) {
      const info = getDatasetInfo(app.db)
      datasetVersion = `${info.sourceHash}:${info.seededAt}`
    }
    return datasetVersion
  }

  /**
   * The body as a Buffer that owns its memory. Buffer.from() puts a short string in
   * a slice of a shared 8 KB pool, and a cached slice keeps the whole pool alive:
   * 5,000 cached answers of 1 KB held ~40 MB where the cache counted 6 MB (found
   * under --memory 128m, where it got the container OOM-killed).
   */
  function ownedBuffer(payload: string | Buffer): Buffer {
    if (Buffer.isBuffer(payload) && payload.byteLength === payload.buffer.byteLength) return payload
    const length = Buffer.isBuffer(payload) ? payload.byteLength : Buffer.byteLength(payload)
    const owned = Buffer.allocUnsafeSlow(length)
    if (Buffer.isBuffer(payload)) payload.copy(owned)
    else owned.write(payload)
    return owned
  }

  function variant(key: string, entry: Entry, encoding: Encoding): Buffer {
    let body = entry[encoding]
    if (body === undefined) {
      // zlib's output is a pool slice too when it is short.
      body = ownedBuffer(
        encoding === 'br'
          ? brotliCompressSync(entry.body, {
              params: {
                [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
                [zlibConstants.BROTLI_PARAM_SIZE_HINT]: entry.body.length,
              },
            })
          : gzipSync(entry.body),
      )
      entry[encoding] = body
      entry.size += body.length
      cache.grow(key, body.length)
    }
    return body
  }

  // Accept-Encoding takes a handful of values in practice (one per browser or
  // client library): each is parsed once.
  const encodings = new Map<string, Encoding | null>()
  function encodingFor(header: string | undefined): Encoding | null {
    if (header === undefined) return null
    let encoding = encodings.get(header)
    if (encoding === undefined) {
      encoding = negotiateEncoding(header)
      if (encodings.size >= 256) encodings.clear()
      encodings.set(header, encoding)
    }
    return encoding
  }

  /** The answer an entry gives a request: 304 (notModified), or its body in which coding. */
  function choose(
    entry: Entry,
    headers: { 'if-none-match'?: string; 'accept-encoding'?: string },
  ): { notModified: boolean; encoding: Encoding | null } {
    if (entry.tag !== null && ifNoneMatchHits(headers['if-none-match'], entry.tag)) {
      return { notModified: true, encoding: null }
    }
    const encoding =
      entry.compressible && entry.body.length >= threshold ? encodingFor(headers['accept-encoding']) : null
    return { notModified: false, encoding }
  }

  /** Sets the headers of an entry on a reply and returns the payload to send (null: none). */
  function answer(key: string, entry: Entry, request: FastifyRequest, reply: FastifyReply): Buffer | null {
    reply.header('cache-control', entry.cacheControl)
    if (entry.negotiated) appendVary(reply, 'accept')
    appendVary(reply, 'accept-encoding')
    const { notModified, encoding } = choose(entry, request.headers)
    if (notModified) {
      reply.code(304)
      reply.header('etag', `"${entry.tag}"`)
      reply.removeHeader('content-type')
      return null
    }
    reply.code(entry.status)
    for (const [name, value] of entry.headers) reply.header(name, value)
    if (entry.tag !== null) reply.header('etag', encoding ? `"${entry.tag}-${encoding}"` : `"${entry.tag}"`)
    if (encoding === null) return entry.body
    reply.header('content-encoding', encoding)
    return variant(key, entry, encoding)
  }

  /**
   * The same answer as answer() gives, as header lists for the fast path: what
   * answer() sets after Vary, then what Fastify adds (content-type for a body
   * without one, content-length except on 304), built once per entry and coding.
   */
  function rawAnswer(key: string, entry: Entry, request: IncomingMessage): RawAnswer {
    const { notModified, encoding } = choose(entry, request.headers)
    if (entry.raw === undefined) entry.raw = {}
    const raw = entry.raw
    const vary = entry.negotiated ? 'accept, accept-encoding' : 'accept-encoding'
    if (notModified) {
      // Fastify's HEAD routes add Content-Length: 0 to an answer without a payload.
      const head = request.method === 'HEAD' && entry.route !== UNMATCHED
      const kind = head ? 'notModifiedHead' : 'notModified'
      let headers = raw[kind]
      if (headers === undefined) {
        headers = ['etag', `"${entry.tag}"`, ...(head ? ['content-length', '0'] : [])]
        raw[kind] = headers
      }
      return { status: 304, cacheControl: entry.cacheControl, vary, headers, body: null, route: entry.route }
    }
    const body = encoding === null ? entry.body : variant(key, entry, encoding)
    let headers = raw[encoding ?? 'identity']
    if (headers === undefined) {
      headers = entry.headers.flat()
      if (!entry.headers.some(([name]) => name === 'content-type')) {
        headers.push('content-type', 'application/octet-stream')
      }
      if (entry.tag !== null) headers.push('etag', encoding ? `"${entry.tag}-${encoding}"` : `"${entry.tag}"`)
      if (encoding !== null) headers.push('content-encoding', encoding)
      headers.push('content-length', String(body.length))
      raw[encoding ?? 'identity'] = headers
    }
    return { status: entry.status, cacheControl: entry.cacheControl, vary, headers, body, route: entry.route }
  }

  app.decorateRequest('httpCacheHit', false)
  app.decorateRequest('negotiatedFormat', null)

  app.addHook('onRequest', (request, reply, done) => {
    // Only GET and HEAD answers of non-health routes are ever stored, so a hit
    // needs no look at the route (request.routeOptions builds an object per call).
    if (request.method !== 'GET' && request.method !== 'HEAD') return done()
    const entry = cache.get(request.url)
    if (entry === undefined) return done()
    // A JSON list chosen by Accept: another Accept may choose an export or a 406.
    if (entry.negotiated && formatForAccept(request.headers.accept) !== 'json') return done()
    cache.served()
    request.httpCacheHit = true
    const payload = answer(request.url, entry, request, reply)
    // send() without a payload: send(null) would serialize "null" as JSON.
    if (payload === null) reply.send()
    else reply.send(payload)
  })

  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.httpCacheHit) return done(null, payload)
    const health = request.routeOptions.config.health === true
    if (health) {
      reply.header('cache-control', 'no-store')
      return done(null, payload)
    }
    const status = reply.statusCode
    const isBody = typeof payload === 'string' || Buffer.isBuffer(payload)
    const negotiated = request.negotiatedFormat !== null
    // An export chosen by Accept is never kept (nor an error that came with it),
    // so a stored negotiated entry is always the JSON one.
    const storable =
      (request.method === 'GET' || request.method === 'HEAD') &&
      (!negotiated || request.negotiatedFormat === 'json')
    if (!storable || !isBody || !CACHEABLE_STATUS.has(status)) {
      // Errors that depend on the moment (429, 503, 5xx) must not be kept by anyone.
      if (status >= 400 && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
      return done(null, payload)
    }
    const body = ownedBuffer(payload as string | Buffer)
    const headers: [string, string][] = []
    for (const name of STORED_HEADERS) {
      const value = reply.getHeader(name)
      if (value !== undefined) headers.push([name, String(value)])
    }
    const contentType = String(reply.getHeader('content-type') ?? '')
    const tag =
      status === 200
        ? createHash('sha256').update(version()).update('\n').update(body).digest('base64url').slice(0, 27)
        : null
    const entry: Entry = {
      negotiated,
      status,
      headers,
      cacheControl: status === 200 ? okPolicy : 'no-store',
      tag,
      body,
      compressible: COMPRESSIBLE.test(contentType),
      size: body.length + 256,
      route: request.is404 ? UNMATCHED : (request.routeOptions.url ?? UNMATCHED),
    }
    cache.set(request.url, entry)
    const answered = answer(request.url, entry, request, reply)
    // Fastify's HEAD handler needs a string payload; it sends none anyway.
    done(null, answered ?? (request.method === 'HEAD' ? '' : null))
  })

  app.decorate('httpCacheStats', () => cache.stats)

  app.decorate('httpCacheAnswer', (request: IncomingMessage): RawAnswer | null => {
    const url = request.url as string
    const entry = cache.get(url)
    if (entry === undefined) return null
    if (entry.negotiated && formatForAccept(request.headers.accept) !== 'json') return null
    cache.served()
    return rawAnswer(url, entry, request)
  })

  app.decorateReply('sendStreamed', function sendStreamed(this: FastifyReply, identity: string, open) {
    const request = this.request
    const tag = createHash('sha256')
      .update(`${version()}\n${packageInfo.version}\n${identity}`)
      .digest('base64url')
      .slice(0, 27)
    this.header('cache-control', okPolicy)
    appendVary(this, 'accept-encoding')
    if (ifNoneMatchHits(request.headers['if-none-match'], tag)) {
      this.header('etag', `"${tag}"`)
      this.removeHeader('content-type')
      return this.code(304).send()
    }
    const encoding = negotiateEncoding(request.headers['accept-encoding'])
    this.header('etag', encoding ? `"${tag}-${encoding}"` : `"${tag}"`)
    if (encoding) this.header('content-encoding', encoding)
    // HEAD: the headers of the GET, and no rows read for a body nobody receives.
    if (request.method === 'HEAD') return this.send(Readable.from([]))
    const body = open()
    if (encoding === null) return this.send(body)
    // Fast settings: an export is compressed as it streams, not once and kept.
    const compressor =
      encoding === 'br'
        ? createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } })
        : createGzip({ level: 6 })
    // A client that goes away destroys the compressor, which ends the source too.
    return this.send(pipeline(body, compressor, () => {}))
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What the response cache holds, and its hits and misses so far (metrics, tests). */
    httpCacheStats: () => { entries: number; bytes: number; hits: number; misses: number }
    /**
     * The cached answer to a GET or HEAD, counted as a hit, or null (not cached, or
     * stored for another Accept): for the fast path, which answers it itself.
     */
    httpCacheAnswer: (request: IncomingMessage) => RawAnswer | null
  }
}

export default fp(httpCache, { name: 'http-cache', fastify: '5.x', dependencies: ['database'] })
