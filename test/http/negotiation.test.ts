import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatForAccept } from '../../src/exports/media-types.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The lists answer JSON or an export, chosen by format= or else by Accept; the
// response cache must never hand one client's variant to another.

let cached: TestApp
let uncached: TestApp
beforeAll(async () => {
  cached = await startTestApp({ MAX_EVENT_LOOP_DELAY_MS: '0' })
  uncached = await startTestApp({ RESPONSE_CACHE_ENTRIES: '0', MAX_EVENT_LOOP_DELAY_MS: '0' })
})
afterAll(async () => {
  await cached.close()
  await uncached.close()
})

async function get(app: TestApp, url: string, accept?: string) {
  const headers: Record<string, string> = { 'accept-encoding': 'identity' }
  if (accept !== undefined) headers.accept = accept
  return app.app.inject({ method: 'GET', url, headers })
}

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('choosing a format by Accept', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['application/*', 'json'],
    [BROWSER, 'json'],
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['text/*', 'csv'],
    ['application/x-ndjson', 'ndjson'],
    ['application/x-ndjson; charset=utf-8', 'ndjson'],
    ['text/markdown', 'markdown'],
    ['text/markdown; variant=CommonMark', 'markdown'],
    ['text/csv;q=0.5, text/markdown', 'markdown'],
    ['application/json;q=0.4, text/csv;q=0.5', 'csv'],
    ['application/json;q=0, */*', 'csv'],
    ['text/html', null],
    ['application/xml', null],
    ['text/markdown; variant=GFM', null],
    ['*/*;q=0', null],
    ['application/problem+json', null],
  ])('Accept %j gives %j', (accept, format) => {
    expect(formatForAccept(accept)).toBe(format)
  })

  it.each([
    ['text/csv', 'text/csv; charset=utf-8; header=present'],
    ['application/x-ndjson', 'application/x-ndjson'],
    ['text/markdown', 'text/markdown; charset=utf-8; variant=CommonMark'],
    [BROWSER, 'application/json; charset=utf-8'],
  ])('a list asked for %j answers %j, varying on Accept', async (accept, type) => {
    for (const url of ['/v1/resources?limit=3', '/v1/categories/general/resources']) {
      const response = await get(cached, url, accept)
      expect(response.statusCode).toBe(200)
      expect(response.headers['content-type']).toBe(type)
      expect(String(response.headers.vary).split(', ')).toEqual(['accept', 'accept-encoding'])
    }
  })

  it('lets format= win over Accept, and then does not vary on Accept', async () => {
    const csv = await get(cached, '/v1/resources?format=csv', 'application/json')
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8; header=present')
    expect(csv.headers.vary).toBe('accept-encoding')
    const json = await get(cached, '/v1/resources?format=json', 'text/csv')
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(json.headers.vary).toBe('accept-encoding')
    expect(json.json().data).toHaveLength(20)
  })

  it('answers 406 problem+json listing what is served when Accept allows none of it', async () => {
    const response = await get(cached, '/v1/resources', 'text/html')
    expect(response.statusCode).toBe(406)
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(String(response.headers.vary)).toMatch(/accept/)
    const served = ['application/json', 'text/csv', 'application/x-ndjson', 'text/markdown']
    expect(response.json()).toMatchObject({
      status: 406,
      title: 'Not Acceptable',
      code: 'not_acceptable',
      errors: [{ param: 'Accept', allowed: served }],
    })
    expect(response.json().detail).toContain(served.join(', '))
  })

  it('checks the parameters first: a bad request is a 400 whatever the Accept', async () => {
    const response = await get(cached, '/v1/resources?category=nope', 'text/html')
    expect(response.statusCode).toBe(400)
  })

  it('serves JSON whatever the Accept on the routes that have one representation', async () => {
    for (const url of ['/v1/categories', '/v1/tags', '/v1/resources/docs-docker-com-37e989a6', '/v1']) {
      const response = await get(cached, url, 'text/csv')
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(response.headers.vary).toBe('accept-encoding')
    }
  })
})

describe('the response cache and Accept', () => {
  const ACCEPTS = [undefined, '*/*', 'application/json', BROWSER, 'text/csv', 'text/markdown', 'text/html']

  it('answers each Accept byte-identically to an uncached server, in any order of arrival', async () => {
    const url = '/v1/resources?category=general&limit=4'
    for (const order of [ACCEPTS, [...ACCEPTS].reverse(), [...ACCEPTS, ...ACCEPTS]]) {
      for (const accept of order) {
        const [a, b] = [await get(cached, url, accept), await get(uncached, url, accept)]
        expect(a.statusCode, String(accept)).toBe(b.statusCode)
        expect(a.headers['content-type']).toBe(b.headers['content-type'])
        expect(a.headers.vary).toBe(b.headers.vary)
        expect(a.rawPayload.equals(b.rawPayload), String(accept)).toBe(true)
      }
    }
  })

  it('never serves the stored JSON to a client that asked for an export, nor the reverse', async () => {
    const url = '/v1/resources?tag=django'
    const json = await get(cached, url)
    expect(json.headers['content-type']).toMatch(/^application\/json/)
    expect((await get(cached, url)).rawPayload.equals(json.rawPayload)).toBe(true)
    const csv = await get(cached, url, 'text/csv')
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.body.startsWith('id,title,url')).toBe(true)
    expect((await get(cached, url, 'text/html')).statusCode).toBe(406)
    const again = await get(cached, url, 'application/json')
    expect(again.rawPayload.equals(json.rawPayload)).toBe(true)
  })

  it('keeps a negotiated JSON answer revalidatable with its ETag, varying on Accept', async () => {
    const first = await get(cached, '/v1/resources?q=flask')
    const etag = String(first.headers.etag)
    const revalidated = await cached.app.inject({
      url: '/v1/resources?q=flask',
      headers: { 'if-none-match': etag, accept: BROWSER },
    })
    expect(revalidated.statusCode).toBe(304)
    expect(revalidated.headers.vary).toBe('accept, accept-encoding')
  })
})
