import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The /docs page is an app of its own, built on the first request (docs.ts): what
// a browser gets must be what swagger-ui serves, through this app's hooks.

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_MAX: '0' })
})
afterAll(async () => {
  await t.close()
})

describe('the /docs page', () => {
  it('answers first requests that arrive together, while it is being built', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => t.app.inject('/docs/')))
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200)
      expect(answer.headers['content-type']).toMatch(/^text\/html/)
      expect(answer.body).toContain('swagger-ui-bundle.js')
    }
  })

  it('serves its assets compressed, with validators, and 304 for a copy the browser has', async () => {
    const first = await t.app.inject({
      url: '/docs/static/swagger-ui.css',
      headers: { 'accept-encoding': 'br' },
    })
    expect(first.statusCode).toBe(200)
    expect(first.headers['content-encoding']).toBe('br')
    expect(first.headers['content-type']).toMatch(/^text\/css/)
    expect(Number(first.headers['content-length'])).toBe(first.rawPayload.length)
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^(W\/)?"/)
    const again = await t.app.inject({
      url: '/docs/static/swagger-ui.css',
      headers: { 'accept-encoding': 'br', 'if-none-match': etag },
    })
    expect(again.statusCode).toBe(304)
    expect(again.body).toBe('')
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const answer = await t.app.inject({ method: 'HEAD', url: '/docs/static/swagger-ui.css' })
    expect(answer.statusCode).toBe(200)
    expect(answer.headers['content-type']).toMatch(/^text\/css/)
    expect(answer.body).toBe('')
  })

  it('serves the document it shows, and redirects the old index.html URL', async () => {
    const json = await t.app.inject('/docs/json')
    expect(json.statusCode).toBe(200)
    expect(json.json()).toEqual((await t.app.inject('/openapi.json')).json())
    const old = await t.app.inject('/docs/static/index.html')
    expect(old.statusCode).toBe(302)
    expect(old.headers.location).toBe('/docs/')
  })

  it('answers an unknown page URL with the API own 404 problem, and other methods with 405', async () => {
    const missing = await t.app.inject('/docs/static/no-such-file.js')
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(missing.json()).toMatchObject({ status: 404, instance: '/docs/static/no-such-file.js' })
    const post = await t.app.inject({ method: 'POST', url: '/docs/' })
    expect(post.statusCode).toBe(405)
    expect(post.headers.allow).toMatch(/GET/)
  })

  it('carries the docs security policy; the response cache keeps the page, never a file', async () => {
    const url = '/docs/?cached'
    const before = t.app.httpCacheStats()
    const page = await t.app.inject({ url, headers: { 'accept-encoding': 'br' } })
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(page.statusCode).toBe(200)
    expect(t.app.httpCacheStats().entries).toBe(before.entries + 1)
    // Asked again, without br: the cache answers, and with the identity body.
    const again = await t.app.inject(url)
    expect(t.app.httpCacheStats().hits).toBe(before.hits + 1)
    expect(again.headers['content-encoding']).toBeUndefined()
    expect(again.body).toContain('swagger-ui-bundle.js')
    await t.app.inject('/docs/static/swagger-ui.css')
    expect(t.app.httpCacheStats().entries).toBe(before.entries + 1)
    // A generated answer large enough for the page app to compress is kept as
    // identity: a client that asks without br gets JSON, not br bytes.
    const document = (await t.app.inject('/openapi.json')).json()
    await t.app.inject({ url: '/docs/json?cached', headers: { 'accept-encoding': 'br' } })
    const plain = await t.app.inject('/docs/json?cached')
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.json()).toEqual(document)
  })

  it('keeps the Vary of CORS with listed origins beside its own', async () => {
    const listed = await startTestApp({ RATE_LIMIT_MAX: '0', CORS_ORIGINS: 'https://app.example' })
    try {
      const answer = await listed.app.inject({
        url: '/docs/static/swagger-ui.css',
        headers: { origin: 'https://app.example', 'accept-encoding': 'br' },
      })
      expect(answer.statusCode).toBe(200)
      expect(answer.headers['access-control-allow-origin']).toBe('https://app.example')
      const vary = String(answer.headers.vary)
        .toLowerCase()
        .split(/\s*,\s*/)
      expect(vary).toEqual(expect.arrayContaining(['origin', 'accept-encoding']))
    } finally {
      await listed.close()
    }
  })
})
