import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

const EXPOSED = ['link', 'x-total-count', 'etag', 'x-request-id']

function exposed(header: string | undefined): string[] {
  return (header ?? '').split(',').map((name) => name.trim().toLowerCase())
}

describe('CORS with the default (any origin)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(async () => {
    await t.close()
  })

  it('lets any origin read a GET, and the headers a front end needs', async () => {
    const response = await t.http().get('/v1/resources').set('Origin', 'https://app.example').expect(200)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(exposed(response.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining(EXPOSED),
    )
    // The same on a cached answer.
    const again = await t.http().get('/v1/resources').set('Origin', 'https://other.example').expect(200)
    expect(again.headers['access-control-allow-origin']).toBe('*')
    expect(again.text).toBe(response.text)
  })

  it('answers a preflight for GET with the allowed methods and a max-age', async () => {
    const response = await t
      .http()
      .options('/v1/resources?q=docker')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'If-None-Match')
      .expect(204)
    expect(response.headers['access-control-allow-origin']).toBe('*')
    expect(response.headers['access-control-allow-methods']).toBe('GET, HEAD')
    expect(response.headers['access-control-allow-headers']?.toLowerCase()).toContain('if-none-match')
    expect(Number(response.headers['access-control-max-age'])).toBeGreaterThan(0)
  })
})

describe('CORS with a configured list of origins', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example, https://admin.example' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('reflects an allowed origin and varies on Origin and Accept-Encoding', async () => {
    for (let round = 0; round < 2; round++) {
      const response = await t.http().get('/v1/categories').set('Origin', 'https://admin.example').expect(200)
      expect(response.headers['access-control-allow-origin']).toBe('https://admin.example')
      const vary = (response.headers.vary ?? '').toLowerCase()
      expect(vary).toContain('origin')
      expect(vary).toContain('accept-encoding')
    }
  })

  it('gives a disallowed origin no permission, on GET and on preflight', async () => {
    const get = await t.http().get('/v1/categories').set('Origin', 'https://evil.example').expect(200)
    expect(get.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await t
      .http()
      .options('/v1/categories')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET')
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers an allowed preflight', async () => {
    const response = await t
      .http()
      .options('/v1/categories')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .expect(204)
    expect(response.headers['access-control-allow-origin']).toBe('https://app.example')
  })
})
