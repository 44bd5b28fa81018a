import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

// app.inject gives the bytes on the wire; supertest would decompress them for us.
let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

async function fetchRaw(url: string, acceptEncoding?: string) {
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }
  return t.app.inject({ method: 'GET', url, headers })
}

const BIG = '/v1/resources?limit=50'
const SMALL = '/healthz'

describe('compression', () => {
  it.each([
    ['br', 'br', brotliDecompressSync],
    ['gzip', 'gzip', gunzipSync],
    ['gzip, deflate, br', 'br', brotliDecompressSync],
    ['br;q=0.5, gzip', 'gzip', gunzipSync],
    ['*', 'br', brotliDecompressSync],
    ['br;q=0, *;q=0.1', 'gzip', gunzipSync],
  ])(
    'answers Accept-Encoding "%s" with %s, twice the same, decoding to the identity body',
    async (accept, encoding, decode) => {
      const identity = await fetchRaw(BIG)
      expect(identity.headers['content-encoding']).toBeUndefined()
      expect(identity.rawPayload.length).toBeGreaterThan(1024)

      for (let round = 0; round < 2; round++) {
        const response = await fetchRaw(BIG, accept)
        expect(response.statusCode).toBe(200)
        expect(response.headers['content-encoding']).toBe(encoding)
        expect(response.headers.vary).toMatch(/accept-encoding/i)
        expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length)
        expect(response.rawPayload.length).toBeLessThan(identity.rawPayload.length / 2)
        expect(decode(response.rawPayload).equals(identity.rawPayload)).toBe(true)
        // Each coding is its own representation, so its own strong validator.
        expect(response.headers.etag).toBe(`${String(identity.headers.etag).slice(0, -1)}-${encoding}"`)
      }
    },
  )

  it.each([undefined, 'identity', 'deflate', 'br;q=0, gzip;q=0', 'compress'])(
    'sends identity when Accept-Encoding is %s',
    async (accept) => {
      const response = await fetchRaw(BIG, accept)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-encoding']).toBeUndefined()
      expect(() => JSON.parse(response.payload)).not.toThrow()
    },
  )

  it('leaves bodies under 1 KB uncompressed', async () => {
    for (const url of [SMALL, '/v1/categories/core']) {
      const response = await fetchRaw(url, 'br, gzip')
      expect(response.statusCode).toBe(200)
      expect(response.rawPayload.length).toBeLessThan(1024)
      expect(response.headers['content-encoding']).toBeUndefined()
    }
  })

  it('revalidates a compressed copy with its own or the identity ETag', async () => {
    const br = await fetchRaw(BIG, 'br')
    const identity = await fetchRaw(BIG)
    for (const etag of [br.headers.etag, identity.headers.etag]) {
      const response = await t.app.inject({
        url: BIG,
        headers: { 'accept-encoding': 'gzip', 'if-none-match': String(etag) },
      })
      expect(response.statusCode).toBe(304)
      expect(response.rawPayload.length).toBe(0)
    }
  })

  it('compresses problem responses above the threshold too', async () => {
    const response = await fetchRaw(`/v1/resources?q=${'x'.repeat(600)}`, 'gzip')
    expect(response.statusCode).toBe(400)
    const body =
      response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.rawPayload) : response.rawPayload
    expect(JSON.parse(body.toString()).status).toBe(400)
  })
})
