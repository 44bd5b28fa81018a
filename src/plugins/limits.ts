import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'

// Limits on what a client may cost the server, chosen on purpose rather than left
// at Node's and Fastify's defaults. They are Fastify factory options, so tests
// get the same limits as production.

/** Longest request head Node's HTTP parser accepts (request line plus headers). */
export const MAX_HEADER_BYTES = 16 * 1024

export const serverLimits = {
  // A whole request head must arrive within 10 s: a slowloris client that drips
  // one header byte at a time holds a socket no longer than that.
  http: { headersTimeout: 10_000, maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 2_000 },
  // The whole request (head and any body) within 30 s.
  requestTimeout: 30_000,
  // Idle keep-alive connections are kept 65 s: longer than the 60 s idle timeout
  // of common load balancers, so the proxy, not us, closes an idle connection and
  // never sends a request down a socket we are closing.
  keepAliveTimeout: 65_000,
  // A socket with no traffic at all for 70 s (a client that stopped reading its
  // response) is destroyed. Longer than keepAliveTimeout so it never cuts an idle
  // keep-alive connection short.
  connectionTimeout: 70_000,
} as const

type ClientError = Error & { code?: string; rawPacket?: unknown }

const METHOD_AND_TARGET = /^[A-Z]+ \//

/**
 * A head over MAX_HEADER_BYTES is either a URL that is too long (414) or headers
 * that are (431). The packet Node failed on tells which: it starts with the
 * request line and has no line break within the limit when the URL is at fault.
 */
function overflowStatus(packet: unknown): 414 | 431 {
  if (!Buffer.isBuffer(packet)) return 431
  const head = packet.subarray(0, Math.min(packet.length, MAX_HEADER_BYTES)).toString('latin1')
  if (!METHOD_AND_TARGET.test(head)) return 431
  const end = head.indexOf('\r\n')
  return end === -1 || end > MAX_HEADER_BYTES / 2 ? 414 : 431
}

function describe(error: ClientError): { status: number; code: string; detail: string } {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', detail: 'The request did not arrive in time.' }
    case 'HPE_HEADER_OVERFLOW': {
      const status = overflowStatus(error.rawPacket)
      return status === 414
        ? { status, code: 'uri_too_long', detail: `The URL is longer than ${MAX_HEADER_BYTES} bytes.` }
        : {
            status,
            code: 'header_too_large',
            detail: `The request headers are larger than ${MAX_HEADER_BYTES} bytes.`,
          }
    }
    default:
      return { status: 400, code: 'bad_request', detail: 'The request is not valid HTTP.' }
  }
}

/**
 * Answers requests Node's HTTP parser refuses (before Fastify sees them) with the
 * same problem+json shape as every other error, then closes the connection.
 */
export function clientErrorHandler(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const { status, code, detail } = describe(error)
  if (socket.writable) {
    const title = STATUS_CODES[status] ?? 'Error'
    const body = JSON.stringify({ type: 'about:blank', title, status, detail, code })
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\n` +
        'Content-Type: application/problem+json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    )
    // end() lets the answer reach the client before the socket goes; a client
    // that keeps sending is cut off shortly after.
    setTimeout(() => socket.destroy(), 1000).unref()
    return
  }
  socket.destroy()
}
