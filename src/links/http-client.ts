import type { LookupFunction } from 'node:net'
import { Agent, buildConnector, request } from 'undici'
import { RequestFailure, toRequestFailure } from './request-failure.js'

// One GET at a time, exactly as asked: no redirect is followed (the probe follows
// them by hand to record the chain), no cookie is kept, the body is read only as
// far as the caller wants it, and every attempt has its own deadline.

/** How connections are made. The defaults are the system's; tests replace them. */
export type Transport = {
  /** DNS lookup for every connection. Tests map their fixture names to loopback and fail every other name. */
  lookup?: LookupFunction
  /** Trusted CA certificates instead of Node's bundled store (tests trust their own CA). */
  ca?: string | Buffer | Array<string | Buffer>
  /** Connect to another port than the URL names (tests: 80 and 443 to the fixtures' ports), like curl's --connect-to. */
  portMap?: Readonly<Record<number, number>>
}

export type HttpClientOptions = {
  /** The request headers sent with every request (User-Agent, Accept, Accept-Language). */
  headers: Readonly<Record<string, string>>
  transport?: Transport
}

export type GetOptions = {
  /** The deadline of this attempt: connecting, the headers and the part of the body that is read. */
  timeoutMs: number
  /** How many bytes of the body to read for a response of this status (0: none). */
  bodyLimit: (status: number) => number
}

export type HttpResponse = {
  url: string
  status: number
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** The first bytes of the body, as sent (still content-encoded). */
  body: Buffer
  /** The body went on past what was read. */
  truncated: boolean
}

export type HttpClient = {
  get(url: string, options: GetOptions): Promise<HttpResponse>
  /** Waits for the requests in flight, then closes the connections. */
  close(): Promise<void>
  /** Aborts the requests in flight. */
  destroy(): Promise<void>
}

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { lookup, ca, portMap } = options.transport ?? {}
  const connector = buildConnector({ ...(lookup ? { lookup } : {}), ...(ca ? { ca } : {}) })
  const agent = new Agent({
    connect: (connectOptions, callback) => {
      const port = Number(connectOptions.port) || defaultPort(connectOptions.protocol)
      connector({ ...connectOptions, port: String(portMap?.[port] ?? port) }, callback)
    },
  })

  async function get(url: string, { timeoutMs, bodyLimit }: GetOptions): Promise<HttpResponse> {
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    try {
      const target = new URL(url)
      target.hash = ''
      const response = await request(target, {
        method: 'GET',
        headers: options.headers,
        dispatcher: agent,
        signal: controller.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      // Dropping the rest of a body aborts it, and undici reports that as an error event.
      response.body.on('error', () => undefined)
      const limit = bodyLimit(response.statusCode)
      const chunks: Buffer[] = []
      let size = 0
      let truncated = false
      if (limit > 0) {
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          const room = limit - size
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room))
            size += room
            // Leaving the loop destroys the stream: the rest is never downloaded.
            truncated = true
            break
          }
          chunks.push(chunk)
          size += chunk.length
        }
      } else {
        response.body.destroy()
      }
      return {
        url,
        status: response.statusCode,
        headers: response.headers,
        body: Buffer.concat(chunks, size),
        truncated,
      }
    } catch (error) {
      throw timedOut
        ? new RequestFailure('timeout', `timed out after ${seconds(timeoutMs)}`)
        : toRequestFailure(error)
    } finally {
      clearTimeout(timer)
    }
  }

  return { get, close: () => agent.close(), destroy: () => agent.destroy() }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`
}
