import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syntheticDataset } from '../../bench/synthetic.js'
import { MAX_CONCURRENT_EXPORTS } from '../../src/routes/resource-export.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// Exports large enough that a client which stops reading holds its stream open
// (10,000 resources: megabytes more than the socket buffers take), over real HTTP.

const SIZE = 10_000
let synthetic: TestApp
let port: number

beforeAll(async () => {
  synthetic = await startTestApp({ RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' }, undefined, {
    dataset: syntheticDataset(SIZE),
  })
  port = (synthetic.app.server.address() as AddressInfo).port
}, 120_000)

afterAll(async () => {
  await synthetic?.close()
})

/** Starts a request and resolves at its response head, the body left unread. */
function open(path: string, method = 'GET'): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, method, agent: false }, (response) => {
      response.pause()
      resolve({ request, response })
    })
    request.on('error', reject)
    request.end()
  })
}

function readAll(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => {
      text += chunk
    })
    response.on('end', () => resolve(text))
    response.on('error', reject)
    response.resume()
  })
}

describe('exports at scale', () => {
  it('streams every row of a large catalog, in order', async () => {
    const { response } = await open('/v1/resources?format=csv&fields=position')
    expect(response.headers['transfer-encoding']).toBe('chunked')
    expect(response.headers['x-total-count']).toBe(String(SIZE))
    const lines = (await readAll(response)).trimEnd().split('\r\n')
    expect(lines[0]).toBe('id,position')
    expect(lines.slice(1).map((line) => Number(line.split(',')[1]))).toEqual(
      Array.from({ length: SIZE }, (_, i) => i + 1),
    )
  }, 60_000)

  it(`streams at most ${MAX_CONCURRENT_EXPORTS} exports at once, then answers 503 with Retry-After`, async () => {
    const held = await Promise.all(
      Array.from({ length: MAX_CONCURRENT_EXPORTS }, () => open('/v1/resources?format=ndjson')),
    )
    try {
      for (const { response } of held) expect(response.statusCode).toBe(200)
      const refused = await open('/v1/resources?format=csv')
      expect(refused.response.statusCode).toBe(503)
      expect(refused.response.headers['retry-after']).toBe('5')
      expect(refused.response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(refused.response.headers['content-disposition']).toBeUndefined()
      expect(JSON.parse(await readAll(refused.response)).code).toBe('too_many_exports')
      // Pages of JSON are not exports: they are still answered.
      const page = await open('/v1/resources?limit=5')
      expect(page.response.statusCode).toBe(200)
      await readAll(page.response)
    } finally {
      for (const { request } of held) request.destroy()
    }
    // A client that went away gives its slot back.
    const deadline = Date.now() + 10_000
    let status = 0
    while (Date.now() < deadline) {
      const again = await open('/v1/resources?format=csv&limit=5')
      status = again.response.statusCode ?? 0
      await readAll(again.response)
      if (status === 200) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(status).toBe(200)
  }, 60_000)
})
