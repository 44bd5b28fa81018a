import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/views/html.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { attr, byClass, byId, byTag, hrefs, link, parseHtml, text } from './dom.js'
import { QUIET } from './server.js'

// GET / on the real app over the real seeded Docker page (33 resources, 4
// categories): the page answers what GET /v1/resources answers for the same query,
// as HTML, and every link it shows is a view with the current filters kept.

let t: TestApp
beforeAll(async () => {
  t = await startTestApp(QUIET)
})
afterAll(async () => {
  await t.close()
})

type ApiList = {
  data: { title: string; url: string }[]
  meta: { total: number }
  links: { next: string | null; prev: string | null }
}

async function page(url: string, status = 200) {
  const response = await t.http().get(url).expect(status)
  expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
  return { response, doc: parseHtml(response.text) }
}

async function api(query: string): Promise<ApiList> {
  return (await t.http().get(`/v1/resources${query}`).expect(200)).body as ApiList
}

function cardTitles(doc: ReturnType<typeof parseHtml>): string[] {
  return byClass(doc, 'card-title').map(text)
}

describe('GET /: the catalog page', () => {
  it('is an HTML page listing the first page of resources, with the count, chips, paging and exports', async () => {
    const { response, doc } = await page('/')
    expect(text(byTag(doc, 'h1')[0] ?? doc)).toBe('Docker learning resources')
    expect(text(byId(doc, 'result-count'))).toBe('33 resources match')
    expect(attr(byId(doc, 'result-count'), 'role')).toBe('status')
    expect(byClass(doc, 'card')).toHaveLength(20)
    expect(text(byId(doc, 'pager'))).toContain('Showing 1–20 of 33')
    expect(response.headers['x-total-count']).toBe('33')
    const categories = byTag(byId(doc, 'facets'), 'ul')[0]
    expect(categories && byTag(categories, 'a').map(text)).toEqual([
      'Core 2 resources',
      'Python images 2 resources',
      'General 13 resources',
      'Python-specific 16 resources',
    ])
  })

  it('shows the same resources, in the same order, as GET /v1/resources for the same query', async () => {
    for (const query of [
      '',
      '?q=docker',
      '?q=django&sort=title',
      '?category=general&limit=5',
      '?tag=flask,nginx&sort=-position',
      '?host=github.com',
      '?q=compose&category=Python-specific',
      '?limit=7&offset=14',
    ]) {
      const { doc, response } = await page(`/${query}`)
      const json = await api(query)
      expect(cardTitles(doc), query).toEqual(json.data.map((resource) => resource.title))
      expect(response.headers['x-total-count'], query).toBe(String(json.meta.total))
      // The next page is the API's next page, on the page's own path.
      expect(link(doc, 'next') ?? null, query).toBe(json.links.next?.replace('/v1/resources', '/') ?? null)
      expect(link(doc, 'prev') ?? null, query).toBe(json.links.prev?.replace('/v1/resources', '/') ?? null)
    }
  })

  it('links each title to its resource with rel="noopener", and shows host, category and tags', async () => {
    const { doc } = await page('/?q=flask&limit=100')
    const json = await api('?q=flask&limit=100')
    const titleLinks = byClass(doc, 'card-title').map((heading) => byTag(heading, 'a')[0])
    expect(titleLinks.map((a) => a && attr(a, 'href'))).toEqual(json.data.map((resource) => resource.url))
    expect(new Set(titleLinks.map((a) => a && attr(a, 'rel')))).toEqual(new Set(['noopener']))
    const first = byClass(doc, 'card')[0]
    expect(first && text(byClass(first, 'card-meta')[0] ?? first)).toMatch(/^[a-z0-9.-]+ · [A-Z]/)
    expect(first && byClass(first, 'card-tags').length).toBe(1)
  })

  it('shows the search snippet with its <mark> highlights, and the description otherwise', async () => {
    const searched = await page('/?q=compose')
    expect(searched.response.text).toMatch(/<p class="card-text">[^<]*<mark>Compose<\/mark>/)
    const browsed = await page('/?category=general&limit=1')
    expect(browsed.response.text).not.toContain('<mark>')
    expect(text(byClass(browsed.doc, 'card-text')[0] ?? browsed.doc)).toMatch(/\w/)
  })

  it('accepts category and tag names as the API does, and shows them as the canonical chips', async () => {
    const { doc } = await page('/?category=python%20SPECIFIC&tag=Docker%20Compose')
    expect(text(byId(doc, 'active-filters'))).toContain('Category: Python-specific')
    expect(text(byId(doc, 'active-filters'))).toContain('Tag: Docker Compose')
    const hidden = byTag(byId(doc, 'search'), 'input').filter((input) => attr(input, 'type') === 'hidden')
    expect(hidden.map((input) => [attr(input, 'name'), attr(input, 'value')])).toEqual([
      ['category', 'python-specific'],
      ['tag', 'docker-compose'],
    ])
    expect(byClass(doc, 'selected').map(text)).toEqual([
      '✓ Python-specific 1 resource, selected',
      '✓ Docker Compose 1 resource, selected',
    ])
  })

  it('keeps the current filters, search and sort in every chip, card and paging link', async () => {
    const { doc } = await page('/?q=docker&tag=django&sort=title&limit=2')
    const views = [
      ...hrefs(byId(doc, 'facets')),
      ...byClass(doc, 'card-tags').flatMap(hrefs),
      ...byClass(doc, 'card-meta').flatMap(hrefs),
      link(doc, 'next') ?? '',
    ]
    expect(views.length).toBeGreaterThan(5)
    for (const href of views) {
      const params = new URL(href, 'http://x').searchParams
      expect(params.get('q'), href).toBe('docker')
      expect(params.get('sort'), href).toBe('title')
      expect(params.get('limit'), href).toBe('2')
    }
    // A chip that adds a tag keeps django too; the django chip removes it.
    const chips = byTag(byId(doc, 'facets'), 'a')
    const django = chips.find((a) => text(a).startsWith('✓ Django'))
    expect(django && attr(django, 'href')).toBe('/?q=docker&sort=title&limit=2')
    const postgres = chips.find((a) => text(a).startsWith('PostgreSQL'))
    expect(postgres && attr(postgres, 'href')).toBe('/?q=docker&tag=django%2Cpostgresql&sort=title&limit=2')
  })

  it('makes every current filter removable, and Clear all goes back to everything', async () => {
    const { doc } = await page('/?q=docker&category=general,core&host=github.com')
    const active = byId(doc, 'active-filters')
    expect(byTag(active, 'a').map((a) => [text(a), attr(a, 'href')])).toEqual([
      ['Search: “docker”, remove ×', '/?category=general%2Ccore&host=github.com'],
      ['Category: General, remove ×', '/?q=docker&category=core&host=github.com'],
      ['Category: Core, remove ×', '/?q=docker&category=general&host=github.com'],
      ['Host: github.com, remove ×', '/?q=docker&category=general%2Ccore'],
      ['Clear all', '/'],
    ])
  })

  it('pages with the cursor: next, then previous, back to the first page', async () => {
    const first = await page('/?limit=10')
    const next = link(first.doc, 'next')
    expect(next).toMatch(/^\/\?limit=10&cursor=/)
    const second = await page(next ?? '')
    expect(text(byId(second.doc, 'pager'))).toContain('Showing 11–20 of 33')
    expect(cardTitles(second.doc)[0]).toBe((await api('?limit=1&offset=10')).data[0]?.title)
    expect(link(second.doc, 'prev')).toBe('/?limit=10')
    const third = await page(link(second.doc, 'next') ?? '')
    expect(text(byId(third.doc, 'pager'))).toContain('Showing 21–30 of 33')
    expect(byClass(third.doc, 'first').map((a) => attr(a, 'href'))).toEqual(['/?limit=10'])
  })

  it('links this view as JSON, CSV, NDJSON and Markdown, keeping the filters but not the page', async () => {
    const first = await page('/?q=docker&category=general&sort=title&limit=3')
    const second = await page(link(first.doc, 'next') ?? '')
    for (const doc of [first.doc, second.doc]) {
      expect(byTag(byId(doc, 'exports'), 'a').map((a) => [text(a), attr(a, 'href')])).toEqual([
        ['JSON', '/v1/resources?q=docker&category=general&sort=title'],
        ['CSV', '/v1/resources?q=docker&category=general&sort=title&format=csv'],
        ['NDJSON', '/v1/resources?q=docker&category=general&sort=title&format=ndjson'],
        ['Markdown', '/v1/resources?q=docker&category=general&sort=title&format=markdown'],
      ])
    }
    const json = await api('?q=docker&category=general&sort=title')
    expect(text(byId(first.doc, 'result-count'))).toBe(`${json.meta.total} resources found for “docker”`)
  })

  it('names the JSON view in a Link header and a <link rel="alternate">, beside the paging rels', async () => {
    const { response, doc } = await page('/?tag=django&limit=2')
    const header = String(response.headers.link)
    expect(header).toContain('</?tag=django&limit=2&cursor=')
    expect(header).toContain('rel="next"')
    expect(header).toContain('</?tag=django&limit=2>; rel="first"')
    expect(header).toContain('</?tag=django&limit=2&offset=4>; rel="last"')
    expect(header).toContain('</v1/resources?tag=django>; rel="alternate"; type="application/json"')
    const alternate = byTag(doc, 'link').find((element) => attr(element, 'rel') === 'alternate')
    expect(alternate && attr(alternate, 'href')).toBe('/v1/resources?tag=django')
  })

  it('has a footer with the dataset version, the source page and the API docs', async () => {
    const { doc } = await page('/')
    const index = (await t.http().get('/v1').expect(200)).body as { dataset: { seededAt: string } }
    const footer = byTag(doc, 'footer')[0]
    expect(footer).toBeDefined()
    if (!footer) return
    const time = byTag(footer, 'time')[0]
    expect(time && attr(time, 'datetime')).toBe(index.dataset.seededAt)
    expect(text(byTag(footer, 'code')[0] ?? footer)).toBe('test')
    expect(hrefs(footer)).toEqual([
      'https://www.fullstackpython.com/docker.html',
      '/docs',
      '/v1',
      '/openapi.json',
    ])
  })

  it('offers the sort orders, the default named for what it does', async () => {
    const browsing = await page('/')
    const options = (doc: ReturnType<typeof parseHtml>) =>
      byTag(byId(doc, 'sort'), 'option').map((option) => [attr(option, 'value'), text(option)])
    expect(options(browsing.doc)).toEqual([
      ['', 'Page order'],
      ['position', 'Page order'],
      ['-position', 'Reverse page order'],
      ['title', 'Title A–Z'],
      ['-title', 'Title Z–A'],
    ])
    const searching = await page('/?q=docker&sort=-title')
    expect(options(searching.doc)[0]).toEqual(['', 'Best match'])
    const selected = byTag(byId(searching.doc, 'sort'), 'option').filter(
      (o) => attr(o, 'selected') !== undefined,
    )
    expect(selected.map((o) => attr(o, 'value'))).toEqual(['-title'])
  })

  it('says so when nothing matches, with a way back', async () => {
    const { doc } = await page('/?q=zzzzqqqq')
    expect(text(byId(doc, 'result-count'))).toBe('No resources found for “zzzzqqqq”')
    expect(text(byId(doc, 'result-list'))).toContain('Nothing matches this view.')
    expect(byClass(doc, 'card')).toHaveLength(0)
  })
})

describe('a GET form submission', () => {
  it.each([
    ['/?q=&sort=', '/'],
    ['/?q=docker&sort=', '/?q=docker'],
    ['/?q=docker&sort=&category=general&limit=', '/?q=docker&category=general'],
    ['/?&q=docker', '/?q=docker'],
  ])('%s redirects to the same view without its empty fields: %s', async (url, location) => {
    const response = await t.http().get(url).expect(302)
    expect(response.headers.location).toBe(location)
  })
})

describe('a view that cannot be shown', () => {
  it.each([
    ['?category=nope', 'unknown category'],
    ['?tag=nope', 'unknown tag'],
    ['?limit=1000', 'limit'],
    ['?sort=sideways', 'sort'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?cursor=x&offset=5', 'cursor'],
    ['?q=%21%21%21', 'q: must contain at least one letter or digit'],
    ['?q=a&q=b', 'q'],
    ['?utm_source=newsletter', 'unknown parameter'],
  ])('%s is a 400 page with the message the JSON API gives', async (query, fragment) => {
    const problem = await t.http().get(`/v1/resources${query}`).expect(400)
    const detail = problem.body.detail as string
    expect(detail).toContain(fragment)
    const { response, doc } = await page(`/${query}`, 400)
    expect(text(byClass(doc, 'problem-detail')[0] ?? doc)).toBe(detail)
    expect(response.text).toContain(escapeHtml(detail))
    expect(text(byId(doc, 'problem-title'))).toBe('400 Bad Request')
    expect(attr(byId(doc, 'results'), 'role')).toBe('alert')
    // The search form stays, and a way back to every resource.
    expect(byTag(byId(doc, 'search'), 'input').length).toBeGreaterThan(0)
    expect(hrefs(byId(doc, 'results'))).toContain('/')
    expect(response.headers['cache-control']).toBe('no-store')
  })

  it('suggests the valid categories as links', async () => {
    const { doc } = await page('/?category=nope', 400)
    expect(hrefs(byId(doc, 'results')).slice(0, 4)).toEqual([
      '/?category=core',
      '/?category=python-images',
      '/?category=general',
      '/?category=python-specific',
    ])
  })

  it('puts the search back in the form, escaped', async () => {
    const { doc, response } = await page('/?q=%22%3E%3Cscript%3E&limit=0', 400)
    const input = byId(doc, 'q')
    expect(attr(input, 'value')).toBe('"><script>')
    expect(response.text).toContain('value="&quot;&gt;&lt;script&gt;"')
  })
})

describe('other clients', () => {
  it('GET / answers HTML even to Accept: application/json; the JSON index stays at /v1', async () => {
    const html = await t.http().get('/').set('accept', 'application/json').expect(200)
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8')
    const index = await t.http().get('/v1').set('accept', 'text/html').expect(200)
    expect(index.headers['content-type']).toMatch(/^application\/json/)
    expect(index.body.links.resources).toBe('/v1/resources')
  })

  it('answers the JSON API exactly as before: a list with no HTML in sight', async () => {
    const response = await t.http().get('/v1/resources?q=docker&limit=2').expect(200)
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'",
    )
    expect(Object.keys(response.body)).toEqual(['data', 'meta', 'links'])
  })

  it('POST / is 405 problem+json naming GET and HEAD', async () => {
    const response = await t.http().post('/').expect(405)
    expect(response.headers.allow).toBe('GET, HEAD')
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  })
})
