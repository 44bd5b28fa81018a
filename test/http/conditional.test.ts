import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

// Identity bodies here: compression.test.ts covers the ETags of br and gzip copies.
function get(url: string) {
  return t.http().get(url).set('Accept-Encoding', 'identity')
}
function head(url: string) {
  return t.http().head(url).set('Accept-Encoding', 'identity')
}

const STRONG_ETAG = /^"[A-Za-z0-9_-]{27}"$/

describe('ETag and If-None-Match', () => {
  it.each([
    '/v1',
    '/v1/resources',
    '/v1/resources?category=general',
    '/v1/resources?q=django',
    '/v1/categories',
    '/v1/categories/general',
    '/v1/categories/general/resources',
    '/v1/tags',
    '/openapi.json',
  ])('gives %s a strong ETag and answers it with 304 and no body', async (url) => {
    const first = await get(url).expect(200)
    const etag = first.headers.etag as string
    expect(etag).toMatch(STRONG_ETAG)

    const again = await get(url).set('If-None-Match', etag).expect(304)
    expect(again.text ?? '').toBe('')
    expect(again.headers['content-length']).toBeUndefined()
    expect(again.headers.etag).toBe(etag)
    expect(again.headers['cache-control']).toBe(first.headers['cache-control'])
    expect(again.headers.vary).toBe(first.headers.vary)
  })

  it('gives the same query the same ETag, and a changed query another', async () => {
    const a = await get('/v1/resources?category=general').expect(200)
    const b = await get('/v1/resources?category=general').expect(200)
    const c = await get('/v1/resources?category=core').expect(200)
    const d = await get('/v1/resources?category=general&limit=5').expect(200)
    expect(b.headers.etag).toBe(a.headers.etag)
    expect(new Set([a.headers.etag, c.headers.etag, d.headers.etag]).size).toBe(3)
    // The old validator no longer matches the other query: a full 200 comes back.
    await get('/v1/resources?category=core').set('If-None-Match', String(a.headers.etag)).expect(200)
  })

  it('matches If-None-Match the way RFC 9110 says: *, lists, weak prefixes', async () => {
    const url = '/v1/resources/docker-docs-docker-com'
    const list = await get('/v1/resources?limit=1').expect(200)
    const one = `/v1/resources/${list.body.data[0].id}`
    const etag = (await get(one).expect(200)).headers.etag as string
    await get(one).set('If-None-Match', '*').expect(304)
    await get(one).set('If-None-Match', `"nope", ${etag}`).expect(304)
    await get(one).set('If-None-Match', `W/${etag}`).expect(304)
    await get(one).set('If-None-Match', '"nope", W/"other"').expect(200)
    await get(one).set('If-None-Match', etag.slice(1, -1)).expect(200)
    // An unknown id is a 404 whatever the client holds.
    await get(url).set('If-None-Match', '*').expect(404)
  })

  it('answers HEAD with the headers of GET and no body, and honours If-None-Match', async () => {
    const full = await get('/v1/resources?category=general').expect(200)
    const bare = await head('/v1/resources?category=general').expect(200)
    expect(bare.headers.etag).toBe(full.headers.etag)
    expect(bare.headers['content-length']).toBe(full.headers['content-length'])
    expect(bare.headers['x-total-count']).toBe('13')
    await head('/v1/resources?category=general').set('If-None-Match', String(full.headers.etag)).expect(304)
  })
})

describe('Cache-Control', () => {
  it('lets clients and shared caches keep successful answers, then revalidate in the background', async () => {
    const response = await get('/v1/resources').expect(200)
    expect(response.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300')
    expect(response.headers.vary).toMatch(/accept-encoding/i)
  })

  it('never lets anyone keep a problem response or a health answer', async () => {
    for (const url of [
      '/v1/resources?category=nope',
      '/v1/resources?bogus=1',
      '/v1/resources/nope',
      '/nope',
    ]) {
      const response = await get(url)
      expect(response.status).toBeGreaterThanOrEqual(400)
      expect(response.headers['cache-control']).toBe('no-store')
      expect(response.headers.etag).toBeUndefined()
    }
    for (const url of ['/healthz', '/readyz']) {
      const first = await get(url).expect(200)
      expect(first.headers['cache-control']).toBe('no-store')
      expect(first.headers.etag).toBeUndefined()
    }
  })

  it('follows CACHE_MAX_AGE and CACHE_STALE_WHILE_REVALIDATE', async () => {
    const other = await startTestApp({ CACHE_MAX_AGE: '5', CACHE_STALE_WHILE_REVALIDATE: '30' })
    try {
      const response = await other.http().get('/v1/categories').set('Accept-Encoding', 'identity').expect(200)
      expect(response.headers['cache-control']).toBe('public, max-age=5, stale-while-revalidate=30')
    } finally {
      await other.close()
    }
  })

  it('makes every answer revalidate when CACHE_MAX_AGE is 0', async () => {
    const other = await startTestApp({ CACHE_MAX_AGE: '0' })
    try {
      const response = await other.http().get('/v1/categories').set('Accept-Encoding', 'identity').expect(200)
      expect(response.headers['cache-control']).toBe('no-cache')
      expect(response.headers.etag).toMatch(STRONG_ETAG)
    } finally {
      await other.close()
    }
  })
})
