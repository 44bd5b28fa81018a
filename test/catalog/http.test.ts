import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { attr, byTag, parseHtml } from './dom.js'
import { QUIET } from './server.js'

// The catalog page is cached like the JSON (ETag, 304, Cache-Control, the response
// cache and its br/gzip bodies), answers HEAD, carries its own CSP, and serves its
// script, stylesheet and icon under content-hashed names for a year.

let t: TestApp
let assets: { script: string; style: string; icon: string }
beforeAll(async () => {
  t = await startTestApp(QUIET)
  const doc = parseHtml((await t.app.inject('/')).payload)
  const script = byTag(doc, 'script')[0]
  const style = byTag(doc, 'link').find((element) => attr(element, 'rel') === 'stylesheet')
  const icon = byTag(doc, 'link').find((element) => attr(element, 'rel') === 'icon')
  assets = {
    script: (script && attr(script, 'src')) ?? '',
    style: (style && attr(style, 'href')) ?? '',
    icon: (icon && attr(icon, 'href')) ?? '',
  }
})
afterAll(async () => {
  await t.close()
})

function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers })
}

describe('caching the page', () => {
  const URL = '/?q=docker&limit=10'

  it('sends a strong ETag and Cache-Control, and answers If-None-Match with an empty 304', async () => {
    const first = await get(URL)
    expect(first.statusCode).toBe(200)
    expect(first.headers['cache-control']).toBe('public, max-age=60, stale-while-revalidate=300')
    const etag = String(first.headers.etag)
    expect(etag).toMatch(/^"[\w-]{27}"$/)
    const again = await get(URL, { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
    expect(again.payload).toBe('')
    expect(again.headers.etag).toBe(etag)
    // Another view is another representation.
    const other = await get('/?q=docker&limit=11')
    expect(other.headers.etag).not.toBe(etag)
    expect((await get('/?q=docker&limit=11', { 'if-none-match': etag })).statusCode).toBe(200)
  })

  it('keeps the rendered page in the response cache: a repeat adds no entry and is the same bytes', async () => {
    const url = '/?tag=django&sort=title'
    const before = t.app.httpCacheStats().entries
    const first = await get(url)
    expect(t.app.httpCacheStats().entries).toBe(before + 1)
    const second = await get(url)
    expect(t.app.httpCacheStats().entries).toBe(before + 1)
    expect(second.payload).toBe(first.payload)
    // Headers of the representation are replayed from the cache.
    expect(second.headers.link).toBe(first.headers.link)
    expect(second.headers['x-total-count']).toBe(first.headers['x-total-count'])
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(second.headers['content-security-policy']).toBe(first.headers['content-security-policy'])
  })

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ])(
    'compresses the HTML with %s (text/html is compressible) to the same bytes',
    async (encoding, decode) => {
      const identity = await get('/')
      expect(identity.rawPayload.length).toBeGreaterThan(10_000)
      for (let round = 0; round < 2; round++) {
        const response = await get('/', { 'accept-encoding': encoding })
        expect(response.headers['content-encoding']).toBe(encoding)
        expect(response.headers.vary).toMatch(/accept-encoding/i)
        expect(response.rawPayload.length).toBeLessThan(identity.rawPayload.length / 4)
        expect(decode(response.rawPayload).equals(identity.rawPayload)).toBe(true)
        expect(response.headers.etag).toBe(`${String(identity.headers.etag).slice(0, -1)}-${encoding}"`)
      }
    },
  )

  it('answers HEAD with the headers of GET and no body', async () => {
    for (const url of ['/', '/?q=flask', '/?category=nope']) {
      const got = await get(url)
      const head = await t.app.inject({ method: 'HEAD', url })
      expect(head.statusCode, url).toBe(got.statusCode)
      expect(head.payload, url).toBe('')
      expect(head.headers['content-type'], url).toBe('text/html; charset=utf-8')
      expect(head.headers.etag, url).toBe(got.headers.etag)
    }
  })

  it('keeps no error page: a 400 is no-store', async () => {
    const response = await get('/?category=nope')
    expect(response.statusCode).toBe(400)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers.etag).toBeUndefined()
  })
})

describe('the Content-Security-Policy of the page', () => {
  it.each(['/', '/?q=docker', '/?category=nope'])(
    '%s allows this origin only, with no inline script or style and Trusted Types required',
    async (url) => {
      const response = await get(url)
      const csp = String(response.headers['content-security-policy'])
      expect(csp.split(';')).toEqual([
        "default-src 'none'",
        "base-uri 'none'",
        "script-src 'self'",
        "script-src-attr 'none'",
        "style-src 'self'",
        "style-src-attr 'none'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
      ])
      expect(csp).not.toContain('unsafe')
      expect(response.headers['x-frame-options']).toBe('DENY')
      expect(response.headers['x-content-type-options']).toBe('nosniff')
      expect(response.headers['referrer-policy']).toBe('no-referrer')
      // And the markup needs nothing more: no inline script, style element or attribute.
      const doc = parseHtml(response.payload)
      const scripts = byTag(doc, 'script')
      expect(scripts).toHaveLength(1)
      expect(scripts.every((script) => attr(script, 'src')?.startsWith('/assets/'))).toBe(true)
      expect(byTag(doc, 'style')).toHaveLength(0)
      expect(response.payload).not.toMatch(/\sstyle=|\son[a-z]+=/i)
    },
  )

  it('leaves the API and /docs their own policies', async () => {
    expect((await get('/v1')).headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    )
    expect(String((await get('/docs/')).headers['content-security-policy'])).toContain('sha256-')
  })
})

describe('the page assets', () => {
  it('are named by their content', () => {
    expect(assets.script).toMatch(/^\/assets\/catalog\.[0-9a-f]{12}\.js$/)
    expect(assets.style).toMatch(/^\/assets\/catalog\.[0-9a-f]{12}\.css$/)
    expect(assets.icon).toMatch(/^\/assets\/icon\.[0-9a-f]{12}\.svg$/)
  })

  it.each([
    ['script', /^(text|application)\/javascript; charset=utf-8$/],
    ['style', /^text\/css; charset=utf-8$/],
    ['icon', /^image\/svg\+xml/],
  ] as const)('the %s is served for a year, immutable, with a validator and a 304', async (name, type) => {
    const response = await get(assets[name])
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(type)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(response.headers['content-security-policy']).toContain("script-src 'self'")
    const etag = String(response.headers.etag)
    expect(etag).toMatch(/^(W\/)?"/)
    const again = await get(assets[name], { 'if-none-match': etag })
    expect(again.statusCode).toBe(304)
    const head = await t.app.inject({ method: 'HEAD', url: assets[name] })
    expect(head.statusCode).toBe(200)
    expect(head.payload).toBe('')
  })

  it('are compressed when the client accepts it', async () => {
    const plain = await get(assets.script)
    const br = await get(assets.script, { 'accept-encoding': 'br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.rawPayload).equals(plain.rawPayload)).toBe(true)
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2)
  })

  it('a name with another hash is not found', async () => {
    const response = await get(assets.script.replace(/\.[0-9a-f]{12}\./, '.000000000000.'))
    expect(response.statusCode).toBe(404)
    expect((await get('/assets/catalog.js')).statusCode).toBe(404)
  })
})
