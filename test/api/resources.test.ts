import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage } from '../../src/paths.js'
import { startTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(async () => {
  await t.close()
})

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

type Resource = {
  id: string
  title: string
  category: string
  tags: string[]
  position: number
  host: string
}
type List = {
  data: Resource[]
  meta: {
    total: number
    limit: number
    offset: number
    nextCursor: string | null
    facets: { category: { value: string; count: number }[]; tag: { value: string; count: number }[] }
  }
  links: { self: string; first: string; last: string; next: string | null; prev: string | null }
}

async function list(query: string): Promise<List> {
  const response = await t.http().get(`/v1/resources${query}`).expect(200)
  return response.body as List
}

describe('GET /v1/resources', () => {
  it('serves all 33 resources exactly as the parser read them, field by field, in page order', async () => {
    const parsed = readPage(defaultSeedPage).resources
    const body = await list('?limit=100')
    expect(body.meta.total).toBe(33)
    // Seeded without a link-status file: every link is unchecked.
    expect(body.data).toEqual(parsed.map((resource) => ({ ...resource, link: UNCHECKED })))
    expect(body.data.map((resource) => resource.position)).toEqual(parsed.map((_, index) => index + 1))
  })

  it('answers the first page by default: 20 resources, total and links', async () => {
    const response = await t.http().get('/v1/resources').expect(200)
    const body = response.body as List
    expect(body.data).toHaveLength(20)
    expect(body.meta).toMatchObject({ total: 33, limit: 20, offset: 0 })
    expect(response.headers['x-total-count']).toBe('33')
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(body.links.self).toBe('/v1/resources')
    expect(body.links.first).toBe('/v1/resources')
    expect(body.links.last).toBe('/v1/resources?offset=20')
    expect(body.links.prev).toBeNull()
    expect(body.links.next).toMatch(/^\/v1\/resources\?cursor=[A-Za-z0-9_-]+$/)
  })

  it('sends an RFC 8288 Link header matching the body links', async () => {
    const response = await t.http().get('/v1/resources?category=general&limit=5&offset=5').expect(200)
    const body = response.body as List
    const header = response.headers.link as string
    const rels = Object.fromEntries(
      header.split(', ').map((part) => {
        const match = /^<([^>]+)>; rel="(\w+)"$/.exec(part)
        expect(match, part).not.toBeNull()
        return [match?.[2], match?.[1]]
      }),
    )
    expect(rels).toEqual({
      next: body.links.next,
      prev: '/v1/resources?category=general&limit=5',
      first: '/v1/resources?category=general&limit=5',
      last: '/v1/resources?category=general&limit=5&offset=10',
    })
  })

  describe('category filter', () => {
    it.each([
      ['core', 2],
      ['python-images', 2],
      ['general', 13],
      ['python-specific', 16],
    ])('category=%s gives its %i resources', async (slug, count) => {
      const body = await list(`?category=${slug}&limit=100`)
      expect(body.meta.total).toBe(count)
      expect(body.data).toHaveLength(count)
      expect(new Set(body.data.map((resource) => resource.category))).toEqual(new Set([slug]))
    })

    it.each([
      'General',
      'GENERAL',
      'Python images',
      'python_images',
      'Python%20Images',
      'python-specific',
      'Python-specific',
      'Docker resources',
    ])('accepts the forgiving spelling %s', async (value) => {
      const body = await list(`?category=${encodeURIComponent(decodeURIComponent(value))}`)
      expect(body.meta.total).toBeGreaterThan(0)
    })

    it('takes several categories, comma-separated, as any of them', async () => {
      const body = await list('?category=core,python-images&limit=100')
      expect(body.meta.total).toBe(4)
      expect(body.data.map((resource) => resource.category)).toEqual([
        'core',
        'core',
        'python-images',
        'python-images',
      ])
      const repeated = await list('?category=core&category=python-images&limit=100')
      expect(repeated.meta.total).toBe(4)
    })

    it('refuses an unknown category with 400 listing the valid slugs', async () => {
      const response = await t.http().get('/v1/resources?category=kubernetes').expect(400)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body.errors).toEqual([
        {
          param: 'category',
          message: 'unknown category "kubernetes"; valid: core, python-images, general, python-specific',
          allowed: ['core', 'python-images', 'general', 'python-specific'],
        },
      ])
    })
  })

  describe('tag and host filters', () => {
    it('tag=django gives exactly the resources tagged django', async () => {
      const body = await list('?tag=django&limit=100')
      expect(body.meta.total).toBe(6)
      for (const resource of body.data) expect(resource.tags).toContain('django')
    })

    it('several tags match any of them; display names are accepted', async () => {
      const django = (await list('?tag=django&limit=100')).data.map((r) => r.id)
      const flask = (await list('?tag=flask&limit=100')).data.map((r) => r.id)
      const either = await list('?tag=django,Flask&limit=100')
      expect(new Set(either.data.map((r) => r.id))).toEqual(new Set([...django, ...flask]))
      const gitlab = await list('?tag=GitLab%20CI')
      expect(gitlab.data.map((r) => r.title)).toEqual(['How to deploy Django using Docker'])
    })

    it('refuses an unknown tag with 400', async () => {
      const response = await t.http().get('/v1/resources?tag=cobol').expect(400)
      expect(response.body.errors[0].param).toBe('tag')
      expect(response.body.errors[0].allowed).toContain('django')
    })

    it('host matches without www. and in any case', async () => {
      const body = await list('?host=testdriven.io&limit=100')
      expect(body.data.map((r) => r.title)).toEqual([
        'Dockerizing Django with Postgres, Gunicorn, and Nginx',
        'Dockerizing Flask with Postgres, Gunicorn, and Nginx',
      ])
      expect((await list('?host=WWW.TestDriven.io')).meta.total).toBe(2)
      expect((await list('?host=github.com,testdriven.io')).meta.total).toBe(7)
      expect((await list('?host=example.org')).meta.total).toBe(0)
    })
  })

  describe('combined filters', () => {
    it('ANDs different filters', async () => {
      const body = await list('?category=python-specific&tag=flask&limit=100')
      expect(body.meta.total).toBeGreaterThan(0)
      for (const resource of body.data) {
        expect(resource.category).toBe('python-specific')
        expect(resource.tags).toContain('flask')
      }
      const all = await list('?tag=flask&limit=100')
      expect(body.meta.total).toBeLessThan(all.meta.total)
    })

    it('combines category, tag, host and search', async () => {
      const body = await list('?category=python-specific&tag=nginx&host=testdriven.io&q=flask')
      expect(body.data.map((r) => r.title)).toEqual(['Dockerizing Flask with Postgres, Gunicorn, and Nginx'])
      const none = await list('?category=general&tag=django')
      expect(none.meta.total).toBe(0)
      expect(none.data).toEqual([])
      expect(none.links.next).toBeNull()
    })
  })

  describe('facets', () => {
    it('count every category and the most used tags over all resources', async () => {
      const body = await list('')
      expect(body.meta.facets.category).toEqual([
        { value: 'core', name: 'Core', count: 2 },
        { value: 'python-images', name: 'Python images', count: 2 },
        { value: 'general', name: 'General', count: 13 },
        { value: 'python-specific', name: 'Python-specific', count: 16 },
      ])
      const tags = (await t.http().get('/v1/tags').expect(200)).body.data as { slug: string; count: number }[]
      expect(body.meta.facets.tag.map((f) => [f.value, f.count])).toEqual(
        tags.map((tag) => [tag.slug, tag.count]),
      )
    })

    it('count each facet over the results of every other filter', async () => {
      const body = await list('?category=python-specific&tag=flask')
      // The category facet ignores the category filter but keeps tag=flask.
      const flaskByCategory = new Map<string, number>()
      for (const resource of (await list('?tag=flask&limit=100')).data) {
        flaskByCategory.set(resource.category, (flaskByCategory.get(resource.category) ?? 0) + 1)
      }
      expect(body.meta.facets.category.map((f) => [f.value, f.count])).toEqual([...flaskByCategory])
      // The tag facet ignores the tag filter but keeps category=python-specific.
      const specific = (await list('?category=python-specific&limit=100')).data
      const django = body.meta.facets.tag.find((f) => f.value === 'django')
      expect(django?.count).toBe(specific.filter((r) => r.tags.includes('django')).length)
    })

    it('follow a search', async () => {
      const body = await list('?q=gunicorn')
      expect(body.meta.facets.category).toEqual([
        { value: 'python-specific', name: 'Python-specific', count: 2 },
      ])
    })
  })

  describe('sorting', () => {
    it('sorts by title both ways, case-insensitively, and by position descending', async () => {
      const titles = (await list('?limit=100&sort=title')).data.map((r) => r.title)
      expect(titles).toEqual([...titles].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())))
      const reversed = (await list('?limit=100&sort=-title')).data.map((r) => r.title)
      expect(reversed).toEqual([...titles].reverse())
      const positions = (await list('?limit=100&sort=-position')).data.map((r) => r.position)
      expect(positions).toEqual(Array.from({ length: 33 }, (_, i) => 33 - i))
    })

    it('falls back to page order for sort=relevance without q', async () => {
      const body = await list('?sort=relevance&limit=3')
      expect(body.data.map((r) => r.position)).toEqual([1, 2, 3])
    })

    it('refuses an unknown sort', async () => {
      const response = await t.http().get('/v1/resources?sort=random').expect(400)
      expect(response.body.errors[0]).toMatchObject({ param: 'sort' })
      expect(response.body.errors[0].message).toContain('position, -position, title, -title, relevance')
    })
  })

  describe('pagination', () => {
    it.each([1, 7, 33, 100])('limit=%i pages through everything with offsets', async (limit) => {
      const seen: number[] = []
      for (let offset = 0; offset < 33; offset += limit) {
        const body = await list(`?limit=${limit}&offset=${offset}`)
        expect(body.meta).toMatchObject({ total: 33, limit, offset })
        seen.push(...body.data.map((r) => r.position))
      }
      expect(seen).toEqual(Array.from({ length: 33 }, (_, i) => i + 1))
    })

    it('returns an empty last page past the end, with prev but no next', async () => {
      const body = await list('?offset=33')
      expect(body.data).toEqual([])
      expect(body.meta.total).toBe(33)
      expect(body.links.next).toBeNull()
      expect(body.links.prev).toBe('/v1/resources?offset=13')
      expect((await list('?offset=1000')).data).toEqual([])
    })

    it('has no next link on the exact last page', async () => {
      const body = await list('?limit=11&offset=22')
      expect(body.data).toHaveLength(11)
      expect(body.links.next).toBeNull()
      expect(body.links.last).toBe('/v1/resources?limit=11&offset=22')
    })

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['offset=-5', 'offset'],
      ['offset=x', 'offset'],
    ])('refuses %s with a 400 naming %s', async (query, param) => {
      const response = await t.http().get(`/v1/resources?${query}`).expect(400)
      expect(response.body.errors.map((e: { param: string }) => e.param)).toContain(param)
      expect(response.body.status).toBe(400)
    })

    it('follows links.next cursors through every resource with no gap or duplicate', async () => {
      const positions: number[] = []
      let next: string | null = '/v1/resources?limit=4'
      let pages = 0
      while (next) {
        const response = await t.http().get(next).expect(200)
        const body = response.body as List
        expect(body.meta.offset).toBe(positions.length)
        positions.push(...body.data.map((r) => r.position))
        next = body.links.next
        pages += 1
      }
      expect(pages).toBe(9)
      expect(positions).toEqual(Array.from({ length: 33 }, (_, i) => i + 1))
    })

    it('refuses a cursor with offset, a forged cursor, and a cursor from another query', async () => {
      const first = await list('?category=general&limit=2')
      const cursor = first.meta.nextCursor as string
      await t.http().get(`/v1/resources?category=general&limit=2&cursor=${cursor}`).expect(200)
      const both = await t.http().get(`/v1/resources?category=general&cursor=${cursor}&offset=2`).expect(400)
      expect(both.body.errors[0]).toMatchObject({ param: 'cursor' })
      const forged = await t.http().get('/v1/resources?cursor=not-a-cursor').expect(400)
      expect(forged.body.errors[0].message).toContain('not a cursor')
      const other = await t.http().get(`/v1/resources?category=core&cursor=${cursor}`).expect(400)
      expect(other.body.errors[0].message).toContain('different filters')
    })
  })

  it('refuses an unknown parameter, naming it and listing the allowed ones', async () => {
    const response = await t.http().get('/v1/resources?categroy=general').expect(400)
    expect(response.body).toMatchObject({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'unknown_parameter',
      instance: '/v1/resources',
    })
    expect(response.body.detail).toBe(
      'categroy: unknown parameter; allowed: category, tag, host, link, q, typos, sort, limit, offset, cursor, fields, format',
    )
    expect(response.body.errors).toEqual([
      {
        param: 'categroy',
        message: expect.stringContaining(
          'allowed: category, tag, host, link, q, typos, sort, limit, offset, cursor, fields, format',
        ),
        allowed: [
          'category',
          'tag',
          'host',
          'link',
          'q',
          'typos',
          'sort',
          'limit',
          'offset',
          'cursor',
          'fields',
          'format',
        ],
      },
    ])
  })
})

describe('GET /v1/resources/:id', () => {
  it('returns one resource by its id', async () => {
    const body = await list('?limit=100')
    for (const resource of body.data) {
      const one = await t.http().get(`/v1/resources/${resource.id}`).expect(200)
      expect(one.body).toEqual(resource)
    }
  })

  it('answers 404 problem+json for an unknown or malformed id', async () => {
    for (const id of ['nope', 'docs-docker-com-00000000', '..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(200)]) {
      const response = await t.http().get(`/v1/resources/${id}`).expect(404)
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
      expect(response.body.status).toBe(404)
    }
  })

  it('answers 414 problem+json for an id longer than any id can be', async () => {
    const response = await t
      .http()
      .get(`/v1/resources/${'x'.repeat(300)}`)
      .expect(414)
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })

  it('takes no query parameters', async () => {
    const { id } = (await list('?limit=1')).data[0] as Resource
    const response = await t.http().get(`/v1/resources/${id}?expand=links`).expect(400)
    expect(response.body.errors[0]).toMatchObject({ param: 'expand' })
  })
})
