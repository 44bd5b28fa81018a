import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

// An incoming X-Request-Id is kept (so a proxy's id follows the request into our
// logs) only when it is a plain token: anything else could forge log lines or
// headers, and gets a fresh id instead.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

export const REQUEST_ID_HEADER = 'x-request-id'

export function requestId(request: IncomingMessage): string {
  const incoming = request.headers[REQUEST_ID_HEADER]
  return typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID()
}
