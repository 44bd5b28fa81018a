import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINK_STATUSES, type LinkStatus, type LinkStatusEntry } from '../../src/ingest/link-status.js'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage, projectRoot } from '../../src/paths.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The API over the Docker page seeded with test/fixtures/link-status.json: every
// status, a permanent and a temporary redirect, a soft-404 hint, archive URLs,
// repeated failures, a checkedAt with an offset, an entry for an item's second
// link and one for a URL no longer on the page.

const FIXTURE = join(projectRoot, 'test', 'fixtures', 'link-status.json')
const entries = JSON.parse(readFileSync(FIXTURE, 'utf8')) as LinkStatusEntry[]
const page = readPage(defaultSeedPage).resources

const UNCHECKED = {
  status: 'unchecked',
  httpStatus: null,
  finalUrl: null,
  permanent: false,
  suspectSoft404: false,
  archiveUrl: null,
  checkedAt: null,
  consecutiveFailures: 0,
}

/** The link object the API should give a URL, from the fixture (checkedAt in UTC). */
function expectedLink(url: string) {
  const entry = entries.find((candidate) => candidate.url === url)
  if (!entry) return UNCHECKED
  const { url: _url, redirects: _redirects, error: _error, ...link } = entry
  return { ...link, checkedAt: link.checkedAt === null ? null : new Date(link.checkedAt).toISOString() }
}
const statusOf = (resource: { url: string }) => expectedLink(resource.url).status as LinkStatus
const idsWith = (statuses: LinkStatus[], resources = page) =>
  resources.filter((resource) => statuses.includes(statusOf(resource))).map((resource) => resource.id)

type Facet = { value: string; name: string; count: number }
type List = {
  data: { id: string; url: string; category: string; link: ReturnType<typeof expectedLink> }[]
  meta: {
    total: number
    nextCursor: string | null
    facets: { category: Facet[]; tag: Facet[]; link: Facet[] }
  }
  links: { next: string | null }
}

let t: TestApp
let plain: TestApp
// Many requests from one client; and seeding the second app blocks the event loop
// for a moment, which load shedding would otherwise hold against the first.
const ENV = { RATE_LIMIT_MAX: '0', MAX_EVENT_LOOP_DELAY_MS: '0' }
beforeAll(async () => {
  t = await startTestApp(ENV, undefined, { linkStatus: FIXTURE })
  plain = await startTestApp(ENV)
})
afterAll(async () => {
  await t?.close()
  await plain?.close()
})

async function list(url: string): Promise<List> {
  return (await t.http().get(url).expect(200)).body as List
}
const ids = (body: List) => body.data.map((resource) => resource.id)
const counts = (facet: Facet[]) => Object.fromEntries(facet.map((item) => [item.value, item.count]))

describe('the link object', () => {
  it('is on every resource of the list, as the status file says, unchecked where it says nothing', async () => {
    const body = await list('/v1/resources?limit=100')
    expect(body.data).toHaveLength(33)
    for (const resource of body.data) expect(resource.link, resource.url).toEqual(expectedLink(resource.url))
    expect(body.data.filter((resource) => resource.link.status === 'unchecked')).toHaveLength(21)
  })

  it('carries each field as checked', async () => {
    const byUrl = new Map((await list('/v1/resources?limit=100')).data.map((r) => [r.url, r.link]))
    expect(byUrl.get('https://docs.docker.com/')).toEqual({
      status: 'ok',
      httpStatus: 200,
      finalUrl: null,
      permanent: false,
      suspectSoft404: false,
      archiveUrl: null,
      checkedAt: '2026-11-30T08:15:00.000Z',
      consecutiveFailures: 0,
    })
    expect(byUrl.get('https://github.com/docker/docker')).toMatchObject({
      status: 'redirected',
      finalUrl: 'https://github.com/moby/moby',
      permanent: true,
    })
    expect(byUrl.get('http://blog.circleci.com/it-really-is-the-future/')).toMatchObject({
      status: 'redirected',
      permanent: false,
    })
    expect(byUrl.get('https://blog.codeship.com/docker-guis/')).toMatchObject({
      status: 'redirected',
      finalUrl: 'https://www.cloudbees.com/',
      suspectSoft404: true,
    })
    expect(
      byUrl.get('https://www.ctl.io/developers/blog/post/what-is-docker-and-when-to-use-it/'),
    ).toMatchObject({
      status: 'broken',
      httpStatus: null,
      archiveUrl:
        'https://web.archive.org/web/20190320041544/https://www.ctl.io/developers/blog/post/what-is-docker-and-when-to-use-it/',
      consecutiveFailures: 2,
    })
    expect(
      byUrl.get('http://datakurre.pandala.org/2015/07/building-docker-containers-from-scratch.html'),
    ).toMatchObject({ status: 'unreachable', httpStatus: null, consecutiveFailures: 3 })
    // Excluded from checking: listed in the file, but unchecked like a missing entry.
    expect(byUrl.get('https://github.com/Fewbytes/rubber-docker')).toEqual(UNCHECKED)
  })

  it('gives checkedAt in UTC whatever offset the file used', async () => {
    const body = await list('/v1/resources?host=simonwillison.net')
    expect(body.data[0]?.link.checkedAt).toBe('2026-12-01T18:30:00.000Z')
  })

  it('is on one resource, search hits and category lists too', async () => {
    const broken = page.find((resource) => statusOf(resource) === 'broken')
    if (!broken) throw new Error('the fixture has a broken link')
    const one = await t.http().get(`/v1/resources/${broken.id}`).expect(200)
    expect(one.body.link).toEqual(expectedLink(broken.url))

    const search = await list('/v1/resources?q=docker&limit=100')
    expect(search.data.length).toBeGreaterThan(5)
    for (const hit of search.data) expect(hit.link).toEqual(expectedLink(hit.url))

    const general = await list('/v1/categories/general/resources?limit=100')
    for (const resource of general.data) expect(resource.link).toEqual(expectedLink(resource.url))
  })

  it('is unchecked everywhere when the seed had no status file', async () => {
    const body = (await plain.http().get('/v1/resources?limit=100').expect(200)).body as List
    expect(body.data.map((resource) => resource.link)).toEqual(page.map(() => UNCHECKED))
    expect(counts(body.meta.facets.link)).toEqual({
      ok: 0,
      redirected: 0,
      broken: 0,
      blocked: 0,
      unreachable: 0,
      unchecked: 33,
    })
  })
})

describe('the link filter', () => {
  it('keeps the resources of one status, in page order', async () => {
    const response = await t.http().get('/v1/resources?link=broken').expect(200)
    expect(ids(response.body)).toEqual(idsWith(['broken']))
    expect(response.body.meta.total).toBe(2)
    expect(response.headers['x-total-count']).toBe('2')
  })

  it('takes several statuses, comma-separated or repeated, in any case', async () => {
    const expected = idsWith(['broken', 'blocked', 'unreachable'])
    expect(expected).toHaveLength(5)
    const comma = await list('/v1/resources?link=broken,blocked,unreachable')
    expect(ids(comma)).toEqual(expected)
    const repeated = await list('/v1/resources?link=broken&link=blocked&link=unreachable')
    expect(ids(repeated)).toEqual(expected)
    expect(repeated.meta).toEqual(comma.meta)
    expect(ids(await list('/v1/resources?link=Broken,%20BLOCKED%20,unreachable,broken'))).toEqual(expected)
  })

  it('combines with the other filters and with search', async () => {
    const general = page.filter((resource) => resource.category === 'general')
    const body = await list('/v1/resources?link=unchecked,ok&category=general&limit=100')
    expect(ids(body)).toEqual(idsWith(['unchecked', 'ok'], general))

    const django = page.filter((resource) => resource.tags.includes('django'))
    expect(ids(await list('/v1/resources?tag=django&link=unchecked&limit=100'))).toEqual(
      idsWith(['unchecked'], django),
    )

    const hits = (await list('/v1/resources?q=docker&limit=100')).data
    const filtered = await list('/v1/resources?q=docker&link=redirected,broken&limit=100')
    // Same relevance order, only the chosen statuses.
    expect(ids(filtered)).toEqual(
      hits.filter((hit) => ['redirected', 'broken'].includes(hit.link.status)).map((hit) => hit.id),
    )
    expect(filtered.data.length).toBeGreaterThan(0)
  })

  it('works in the category form', async () => {
    const general = page.filter((resource) => resource.category === 'general')
    const body = await list('/v1/categories/general/resources?link=broken,unreachable')
    expect(ids(body)).toEqual(idsWith(['broken', 'unreachable'], general))
    expect(body.data.length).toBeGreaterThan(1)
  })

  it('pages with cursors, and a cursor of another link filter is refused', async () => {
    const all = ids(await list('/v1/resources?link=unchecked,redirected&sort=title&limit=100'))
    const walked: string[] = []
    let url: string | null = '/v1/resources?link=unchecked,redirected&sort=title&limit=4'
    while (url !== null) {
      const body: List = await list(url)
      walked.push(...ids(body))
      url = body.links.next
    }
    expect(walked).toEqual(all)
    expect(walked).toHaveLength(24)

    const first = await list('/v1/resources?link=unchecked&limit=2')
    const cursor = first.meta.nextCursor
    expect(cursor).not.toBeNull()
    const other = await t.http().get(`/v1/resources?link=ok&limit=2&cursor=${cursor}`).expect(400)
    expect(other.body.errors[0]).toMatchObject({ param: 'cursor' })
    expect(other.body.errors[0].message).toContain('different filters')
    const none = await t.http().get(`/v1/resources?limit=2&cursor=${cursor}`).expect(400)
    expect(none.body.errors[0].message).toContain('different filters')
  })

  it('is no filter when empty', async () => {
    expect(ids(await list('/v1/resources?link=&limit=100'))).toEqual(page.map((resource) => resource.id))
  })

  it('refuses an unknown status with a 400 listing the six, like an unknown category', async () => {
    const response = await t.http().get('/v1/resources?link=ok,dead').expect(400)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
    expect(response.body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail:
        'link: unknown link status "dead"; valid: ok, redirected, broken, blocked, unreachable, unchecked',
      instance: '/v1/resources',
      code: 'invalid_parameter',
      errors: [
        {
          param: 'link',
          message:
            'unknown link status "dead"; valid: ok, redirected, broken, blocked, unreachable, unchecked',
          allowed: [...LINK_STATUSES],
        },
      ],
    })
    const category = await t.http().get('/v1/resources?category=nope').expect(400)
    expect(Object.keys(response.body.errors[0])).toEqual(Object.keys(category.body.errors[0]))

    const two = await t.http().get('/v1/categories/general/resources?link=gone&link=404').expect(400)
    expect(two.body.errors.map((error: { param: string; message: string }) => error.message)).toEqual([
      expect.stringContaining('"gone"'),
      expect.stringContaining('"404"'),
    ])
  })
})

describe('the link facet', () => {
  it('counts every status, zeros included, in a fixed order', async () => {
    const body = await list('/v1/resources')
    expect(body.meta.facets.link).toEqual([
      { value: 'ok', name: 'OK', count: 4 },
      { value: 'redirected', name: 'Redirected', count: 3 },
      { value: 'broken', name: 'Broken', count: 2 },
      { value: 'blocked', name: 'Blocked', count: 1 },
      { value: 'unreachable', name: 'Unreachable', count: 2 },
      { value: 'unchecked', name: 'Unchecked', count: 21 },
    ])
    const core = await list('/v1/resources?category=core')
    expect(counts(core.meta.facets.link)).toEqual({
      ok: 1,
      redirected: 1,
      broken: 0,
      blocked: 0,
      unreachable: 0,
      unchecked: 0,
    })
  })

  it.each(['', 'category=general', 'category=python-specific&tag=django', 'q=docker', 'host=github.com'])(
    'follows the faceted rule with %s',
    async (filters) => {
      const join = (extra: string) => `/v1/resources?${[filters, extra].filter(Boolean).join('&')}`
      const chosen = await list(join('link=broken,redirected'))
      const unfiltered = await list(join(''))
      // The link facet ignores the link filter: choosing statuses hides none of the others...
      expect(chosen.meta.facets.link).toEqual(unfiltered.meta.facets.link)
      // ...and each count is what choosing that status alone would give.
      for (const facet of chosen.meta.facets.link) {
        expect((await list(join(`link=${facet.value}`))).meta.total, facet.value).toBe(facet.count)
      }
      // The other facets count under the link filter (and every filter but their own).
      const others = filters.split('&').filter((part) => part !== '' && !part.startsWith('category='))
      for (const [slug, count] of Object.entries(counts(chosen.meta.facets.category))) {
        const url = `/v1/resources?${[...others, 'link=broken,redirected', `category=${slug}`].join('&')}`
        expect((await list(url)).meta.total, url).toBe(count)
      }
      const link = counts(chosen.meta.facets.link)
      expect(chosen.meta.total).toBe((link.broken ?? 0) + (link.redirected ?? 0))
    },
  )
})

type Report = {
  counts: Record<LinkStatus, number>
  checkedAt: { oldest: string | null; newest: string | null }
  data: {
    id: string
    title: string
    url: string
    category: string
    source: { page: string; section: string | null; line: number }
    link: ReturnType<typeof expectedLink>
  }[]
  meta: { total: number; limit: number; offset: number; statuses: LinkStatus[] }
  links: { self: string; first: string; last: string; next: string | null; prev: string | null }
}

describe('GET /v1/links', () => {
  it('counts every status, dates the checks and lists what is not ok in page order with its line', async () => {
    const response = await t.http().get('/v1/links').expect(200)
    const body = response.body as Report
    expect(body.counts).toEqual({
      ok: 4,
      redirected: 3,
      broken: 2,
      blocked: 1,
      unreachable: 2,
      unchecked: 21,
    })
    // The newest is not the largest text in the file: 23:30+05:00 is 18:30 UTC.
    expect(body.checkedAt).toEqual({ oldest: '2026-11-30T08:15:00.000Z', newest: '2026-12-01T20:00:00.000Z' })
    const notOk = page.filter((resource) => statusOf(resource) !== 'ok')
    expect(body.data).toEqual(
      notOk.map((resource) => ({
        id: resource.id,
        title: resource.title,
        url: resource.url,
        category: resource.category,
        source: resource.source,
        link: expectedLink(resource.url),
      })),
    )
    expect(body.data.find((item) => item.link.status === 'broken')).toEqual({
      id: 'ctl-io-developers-blog-post-what-is-docker-and-when-to-c96d7ad1',
      title: 'What is Docker and When to Use It',
      url: 'https://www.ctl.io/developers/blog/post/what-is-docker-and-when-to-use-it/',
      category: 'general',
      source: { page: 'docker', section: 'Docker resources', line: 43 },
      link: expect.objectContaining({ status: 'broken', consecutiveFailures: 2 }),
    })
    expect(body.meta).toEqual({
      total: 29,
      limit: 100,
      offset: 0,
      statuses: ['redirected', 'broken', 'blocked', 'unreachable', 'unchecked'],
    })
    expect(body.links).toEqual({
      self: '/v1/links',
      first: '/v1/links',
      last: '/v1/links',
      next: null,
      prev: null,
    })
    expect(response.headers['x-total-count']).toBe('29')
  })

  it('lists the statuses asked for', async () => {
    const body = (await t.http().get('/v1/links?status=unreachable,BROKEN&status=blocked').expect(200))
      .body as Report
    expect(body.data.map((item) => item.id)).toEqual(idsWith(['broken', 'blocked', 'unreachable']))
    expect(body.meta).toMatchObject({ total: 5, statuses: ['broken', 'blocked', 'unreachable'] })
    // The counts are always the whole dataset's.
    expect(body.counts.unchecked).toBe(21)
    const ok = (await t.http().get('/v1/links?status=ok').expect(200)).body as Report
    expect(ok.data.map((item) => item.id)).toEqual(idsWith(['ok']))
  })

  it('pages with limit and offset, with links and a Link header', async () => {
    const seen: string[] = []
    let url: string | null = '/v1/links?limit=8'
    let pages = 0
    while (url !== null) {
      const response = await t.http().get(url).expect(200)
      const body = response.body as Report
      expect(body.meta.offset).toBe(seen.length)
      seen.push(...body.data.map((item) => item.id))
      if (body.links.next) expect(response.headers.link).toContain(`<${body.links.next}>; rel="next"`)
      url = body.links.next
      pages++
    }
    expect(pages).toBe(4)
    expect(seen).toEqual(idsWith(['redirected', 'broken', 'blocked', 'unreachable', 'unchecked']))
    const third = (await t.http().get('/v1/links?limit=8&offset=16').expect(200)).body as Report
    expect(third.links).toEqual({
      self: '/v1/links?limit=8&offset=16',
      first: '/v1/links?limit=8',
      last: '/v1/links?limit=8&offset=24',
      next: '/v1/links?limit=8&offset=24',
      prev: '/v1/links?limit=8&offset=8',
    })
  })

  it('refuses an unknown status, an unknown parameter and a limit over 100', async () => {
    const status = await t.http().get('/v1/links?status=fine').expect(400)
    expect(status.body.errors).toEqual([
      {
        param: 'status',
        message: 'unknown link status "fine"; valid: ok, redirected, broken, blocked, unreachable, unchecked',
        allowed: [...LINK_STATUSES],
      },
    ])
    const unknown = await t.http().get('/v1/links?link=broken').expect(400)
    expect(unknown.body).toMatchObject({ code: 'unknown_parameter' })
    expect(unknown.body.errors[0].allowed).toEqual(['status', 'limit', 'offset'])
    await t.http().get('/v1/links?limit=101').expect(400)
  })

  it('says nothing was checked for a dataset seeded without a status file', async () => {
    const body = (await plain.http().get('/v1/links').expect(200)).body as Report
    expect(body.counts).toEqual({
      ok: 0,
      redirected: 0,
      broken: 0,
      blocked: 0,
      unreachable: 0,
      unchecked: 33,
    })
    expect(body.checkedAt).toEqual({ oldest: null, newest: null })
    expect(body.meta.total).toBe(33)
    const broken = (await plain.http().get('/v1/links?status=broken').expect(200)).body as Report
    expect(broken.data).toEqual([])
    expect(broken.links.last).toBe('/v1/links?status=broken')
  })

  it('is cached and revalidated like every other answer', async () => {
    const before = t.app.httpCacheStats().entries
    const first = await t.http().get('/v1/links?status=blocked').expect(200)
    expect(t.app.httpCacheStats().entries).toBe(before + 1)
    const again = await t.http().get('/v1/links?status=blocked').expect(200)
    expect(again.text).toBe(first.text)
    expect(t.app.httpCacheStats().entries).toBe(before + 1)
    expect(first.headers.etag).toMatch(/^"[^"]+"$/)
    expect(first.headers['cache-control']).toContain('max-age=')
    await t
      .http()
      .get('/v1/links?status=blocked')
      .set('If-None-Match', String(first.headers.etag))
      .expect(304)
  })

  it('is listed in the API index', async () => {
    const index = await t.http().get('/v1').expect(200)
    expect(index.body.links.links).toBe('/v1/links')
  })
})
