import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The same page served twice: one app with the response cache, one without
// (RESPONSE_CACHE_ENTRIES=0). Every answer of the cached app, first (a miss) and
// again (a hit), must be byte-for-byte what the uncached app says.
//
// Load shedding is off: seeding another app's database in this same process
// blocks the event loop, and on a busy machine for over a second, which the
// apps' lag monitor answers with 503, a different body for reasons of the moment.
const NO_SHEDDING = { MAX_EVENT_LOOP_DELAY_MS: '0' }
let cached: TestApp
let uncached: TestApp
beforeAll(async () => {
  cached = await startTestApp(NO_SHEDDING)
  uncached = await startTestApp({ ...NO_SHEDDING, RESPONSE_CACHE_ENTRIES: '0' })
})
afterAll(async () => {
  await cached.close()
  await uncached.close()
})

const REPRESENTATION_HEADERS = ['content-type', 'link', 'x-total-count', 'cache-control', 'vary']

const QUERIES = [
  '/v1/resources',
  '/v1/resources?category=general',
  '/v1/resources?category=Python%20images',
  '/v1/resources?category=core,python-specific',
  '/v1/resources?tag=django',
  '/v1/resources?tag=django,flask',
  '/v1/resources?host=docs.docker.com',
  '/v1/resources?host=www.github.com',
  '/v1/resources?q=django',
  '/v1/resources?q=dock',
  '/v1/resources?q=docker&sort=title',
  '/v1/resources?q=docker&category=general&tag=docker-compose',
  '/v1/resources?sort=-title&limit=7&offset=14',
  '/v1/resources?sort=-position&limit=3',
  '/v1/resources?limit=5&offset=30',
  '/v1/resources?offset=999',
  '/v1/resources?limit=0',
  '/v1/resources?category=nope',
  '/v1/resources?q=%22%22%22',
  '/v1/resources?bogus=1',
  '/v1/resources?cursor=not-a-cursor',
  '/v1/resources?link=unchecked&category=general',
  '/v1/resources?link=broken,nope',
  '/v1/links',
  '/v1/links?status=unchecked&limit=5&offset=10',
  '/v1/resources?q=dokcer',
  '/v1/resources?q=dokcer&typos=false',
  '/v1/resources?q=djnago&limit=2',
  '/v1/resources?fields=id,title,url',
  '/v1/resources?fields=title',
  '/v1/resources?fields=url,title,id',
  '/v1/resources?q=django&fields=title,match',
  '/v1/resources?fields=nope',
  '/v1/resources?format=json',
  '/v1/resources?format=json&fields=title',
  '/v1/resources?format=markdown&fields=title',
  '/v1/resources/docs-docker-com-37e989a6?fields=title',
  '/v1/categories/general/resources?fields=url&limit=3',
  '/v1/resources/',
  '/v1/categories',
  '/v1/categories/general',
  '/v1/categories/General',
  '/v1/categories/nope',
  '/v1/categories/python-specific/resources?q=flask&limit=2',
  '/v1/tags',
  '/v1/resources/nope',
  '/openapi.json',
  '/nowhere',
]

async function get(app: TestApp, url: string) {
  const response = await app.app.inject({ method: 'GET', url })
  const headers = Object.fromEntries(REPRESENTATION_HEADERS.map((name) => [name, response.headers[name]]))
  return { status: response.statusCode, body: response.rawPayload, headers, etag: response.headers.etag }
}

describe('the response cache', () => {
  it.each(QUERIES)('answers %s byte-identically, cached or not', async (url) => {
    const reference = await get(uncached, url)
    const miss = await get(cached, url)
    const hit = await get(cached, url)
    for (const answer of [miss, hit]) {
      expect(answer.status).toBe(reference.status)
      expect(answer.headers).toEqual(reference.headers)
      expect(answer.body.equals(reference.body)).toBe(true)
    }
    expect(hit.etag).toBe(miss.etag)
  })

  it('answers /v1 (which names the dataset, so differs between the two apps) the same from the cache', async () => {
    const [miss, hit] = [await get(cached, '/v1'), await get(cached, '/v1')]
    expect(hit.body.equals(miss.body)).toBe(true)
    expect(hit.etag).toBe(miss.etag)
  })

  it('follows the cursor of a cached page to the same next page as an uncached one', async () => {
    const first = await get(cached, '/v1/resources?limit=4&sort=title')
    const next = JSON.parse(first.body.toString()).links.next as string
    const [a, b] = [await get(cached, next), await get(uncached, next)]
    expect(a.body.equals(b.body)).toBe(true)
    expect(JSON.parse(a.body.toString()).meta.offset).toBe(4)
  })

  it('keeps each filter apart: a cached answer never leaks into another query', async () => {
    const answers = new Map<string, string>()
    for (const url of QUERIES.filter((query) => query.startsWith('/v1/resources?'))) {
      answers.set(url, (await get(cached, url)).body.toString())
    }
    const bodies = new Set(answers.values())
    expect(bodies.size).toBe(answers.size)
    const general = JSON.parse(answers.get('/v1/resources?category=general') ?? '{}')
    expect(general.data.every((r: { category: string }) => r.category === 'general')).toBe(true)
    const django = JSON.parse(answers.get('/v1/resources?tag=django') ?? '{}')
    expect(django.data.every((r: { tags: string[] }) => r.tags.includes('django'))).toBe(true)
  })

  it('keeps the cache off when RESPONSE_CACHE_ENTRIES is 0', async () => {
    await get(uncached, '/v1/resources')
    expect(uncached.app.httpCacheStats().entries).toBe(0)
    expect(cached.app.httpCacheStats().entries).toBeGreaterThan(10)
  })

  it('never caches health answers', async () => {
    const before = cached.app.httpCacheStats().entries
    await get(cached, '/healthz')
    await get(cached, '/readyz')
    expect(cached.app.httpCacheStats().entries).toBe(before)
  })

  it('stays within its bounds and still answers correctly once it evicts', async () => {
    const small = await startTestApp({ ...NO_SHEDDING, RESPONSE_CACHE_ENTRIES: '3' })
    try {
      for (let round = 0; round < 2; round++) {
        for (const url of QUERIES.slice(0, 8)) {
          const [a, b] = [await get(small, url), await get(uncached, url)]
          expect(a.body.equals(b.body), `${url}: ${a.status} against ${b.status}`).toBe(true)
          expect(small.app.httpCacheStats().entries).toBeLessThanOrEqual(3)
        }
      }
    } finally {
      await small.close()
    }
  })

  it('evicts what was not served since it was stored before what was (a second chance)', async () => {
    const small = await startTestApp({ ...NO_SHEDDING, RESPONSE_CACHE_ENTRIES: '2' })
    const [a, b, c, d] = QUERIES
    const hit = async (url: string | undefined) => {
      const before = small.app.httpCacheStats().hits
      await get(small, String(url))
      return small.app.httpCacheStats().hits > before
    }
    try {
      expect([await hit(a), await hit(b)]).toEqual([false, false]) // stored: a, b
      expect(await hit(a)).toBe(true) // a is served
      expect(await hit(c)).toBe(false) // stored; b goes, never served (a was)
      expect(await hit(a)).toBe(true)
      expect(await hit(b)).toBe(false) // stored; c goes, the oldest unserved
      expect(await hit(c)).toBe(false) // stored; a is passed over, unmarked, and b goes
      expect([await hit(c), await hit(a)]).toEqual([true, true])
      expect(await hit(d)).toBe(false) // stored; both others were served: d goes
      expect([await hit(c), await hit(a), await hit(d)]).toEqual([true, true, false])
      expect(small.app.httpCacheStats().entries).toBe(2)
    } finally {
      await small.close()
    }
  })
})
