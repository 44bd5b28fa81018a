import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

describe('the API index', () => {
  it('GET /v1 names the API, its dataset and its entry points', async () => {
    const response = await t.http().get('/v1').expect(200)
    expect(response.body).toMatchObject({
      name: 'docker-resources-api',
      dataset: { sourceHash: 'test', resources: 33, categories: 4 },
      links: {
        resources: '/v1/resources',
        categories: '/v1/categories',
        tags: '/v1/tags',
        links: '/v1/links',
        docs: '/docs',
      },
    })
    expect(new Date(response.body.dataset.seededAt).toString()).not.toBe('Invalid Date')
  })

  it('GET / is the catalog page for people; programs start at /v1', async () => {
    const response = await t.http().get('/').expect(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.text).toContain('<a href="/v1">JSON API</a>')
  })
})

describe('health', () => {
  it('GET /healthz says the process is alive', async () => {
    expect((await t.http().get('/healthz').expect(200)).body).toEqual({ status: 'ok' })
  })

  it('GET /readyz says the database is open and holds resources', async () => {
    expect((await t.http().get('/readyz').expect(200)).body).toEqual({ status: 'ready', resources: 33 })
  })

  it('once draining, /readyz answers 503 while everything else is served, each response closing its connection', async () => {
    const draining = await startTestApp()
    try {
      expect(draining.app.draining).toBe(false)
      // supertest asks for Connection: close unless told otherwise.
      const keepAlive = { connection: 'keep-alive' }
      const before = await draining.http().get('/v1/tags').set(keepAlive).expect(200)
      expect(before.headers.connection).toBe('keep-alive')
      draining.app.drain()
      expect(draining.app.draining).toBe(true)
      const ready = await draining.http().get('/readyz').set(keepAlive).expect(503)
      expect(ready.headers['content-type']).toBe('application/problem+json; charset=utf-8')
      expect(ready.headers.connection).toBe('close')
      expect(ready.body).toEqual({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The server is shutting down.',
        instance: '/readyz',
        code: 'shutting_down',
      })
      expect((await draining.http().get('/healthz').expect(200)).body).toEqual({ status: 'ok' })
      const list = await draining.http().get('/v1/resources?category=general').set(keepAlive).expect(200)
      expect(list.body.meta.total).toBe(13)
      expect(list.headers.connection).toBe('close')
    } finally {
      await draining.close()
    }
  })
})

describe('errors', () => {
  it('answers an unknown route with 404 problem+json', async () => {
    const response = await t.http().get('/v2/resources').expect(404)
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'No resource at GET /v2/resources. The API lives under /v1; see /docs.',
      instance: '/v2/resources',
      code: 'not_found',
    })
  })

  it('answers a malformed URL with 400 problem+json', async () => {
    const response = await t.http().get('/v1/resources/%E0%A4%A').expect(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})

describe('request ids', () => {
  it('returns a fresh id on every response', async () => {
    const a = (await t.http().get('/v1/tags')).headers['x-request-id']
    const b = (await t.http().get('/v1/tags')).headers['x-request-id']
    expect(a).toMatch(/^[0-9a-f-]{36}$/)
    expect(a).not.toBe(b)
  })

  it('keeps a well-formed incoming X-Request-Id and replaces a hostile one', async () => {
    const kept = await t.http().get('/v1/tags').set('X-Request-Id', 'edge-1234.abc')
    expect(kept.headers['x-request-id']).toBe('edge-1234.abc')
    const replaced = await t.http().get('/v1/tags').set('X-Request-Id', 'x"} {"level":60')
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('server errors', () => {
  it('never show internals: a failing query gives a generic 500 problem', async () => {
    const broken = await startTestApp()
    try {
      broken.app.db.close()
      const response = await broken.http().get('/v1/tags').expect(500)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body).toEqual({
        type: 'about:blank',
        title: 'Internal Server Error',
        status: 500,
        detail: 'An unexpected error occurred; it has been logged.',
        instance: '/v1/tags',
        code: 'internal',
      })
      const ready = await broken.http().get('/readyz').expect(503)
      expect(ready.body.code).toBe('not_ready')
    } finally {
      await broken.close().catch(() => {})
    }
  })
})
