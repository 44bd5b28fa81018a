import { describe, expect, it } from 'vitest'
import { LINK_STATUSES, uncheckedEntry } from '../../src/ingest/link-status.js'
import { type CardResource, type CatalogView, renderCatalogPage } from '../../src/views/catalog-page.js'
import type { SiteContext } from '../../src/views/layout.js'
import { byClass, byId, byTag, hrefs, parseHtml, text } from './dom.js'

// Parts of the page that depend on what the data says: link health's badge and
// chips, and typo-tolerant search's notice (`meta.correctedQuery`), rendered from
// answers of the API's shape.

type Health = CardResource['link']

/** A link object as the API gives it: unchecked's nulls and zeros, with the given fields. */
function health(fields: Partial<Health>): Health {
  const {
    url: _url,
    redirects: _redirects,
    error: _error,
    ...unchecked
  } = uncheckedEntry('https://x.example/')
  return { ...unchecked, ...fields }
}

const site: SiteContext = {
  assets: { script: '/assets/catalog.x.js', style: '/assets/catalog.x.css', icon: '/assets/icon.x.svg' },
  dataset: { sourceHash: 'abcdef0123456789', seededAt: '2026-01-15T09:30:00.000Z', resources: 3 },
  sources: [{ url: 'https://www.fullstackpython.com/docker.html', label: 'fullstackpython.com/docker.html' }],
}

function resource(id: string, link: Health = health({ status: 'ok', httpStatus: 200 })): CardResource {
  return {
    id,
    title: `Title ${id}`,
    url: `https://${id}.example.com/`,
    description: `About ${id}`,
    category: 'general',
    tags: [],
    host: `${id}.example.com`,
    links: [{ title: `Title ${id}`, url: `https://${id}.example.com/` }],
    link,
  }
}

function linkFacet(data: CardResource[]) {
  return LINK_STATUSES.map((status) => ({
    value: status,
    name: status,
    count: data.filter((item) => item.link.status === status).length,
  }))
}

function render(data: CardResource[], q = '', correctedQuery?: string | null) {
  const view: CatalogView = {
    params: new URLSearchParams(q ? { q } : {}),
    filters: { category: [], tag: [], host: [], link: [] },
    categoryNames: new Map([['general', 'General']]),
    list: {
      data,
      meta: {
        total: data.length,
        limit: 20,
        offset: 0,
        facets: {
          category: [{ value: 'general', name: 'General', count: data.length }],
          tag: [],
          link: linkFacet(data),
        },
        correctedQuery: correctedQuery ?? null,
      },
      links: { first: '/', next: null, prev: null },
    },
  }
  return parseHtml(String(renderCatalogPage(site, view)))
}

describe('link health on the cards', () => {
  it('shows a badge for every status but ok, with the HTTP status, where the link went and an archive', () => {
    const doc = render([
      resource('fine', health({ status: 'ok', httpStatus: 200 })),
      resource(
        'gone',
        health({
          status: 'broken',
          httpStatus: 404,
          archiveUrl: 'https://web.archive.org/web/2020/x',
        }),
      ),
      resource(
        'moved',
        health({ status: 'redirected', httpStatus: 301, finalUrl: 'https://new.example.com/' }),
      ),
      resource('never', health({ status: 'unchecked', httpStatus: null })),
      resource('plain'),
    ])
    const cards = byClass(doc, 'card')
    expect(cards.map((card) => byClass(card, 'badge').map(text))).toEqual([
      [],
      ['Broken link (404)'],
      ['Redirects (301)'],
      ['Not checked yet'],
      [],
    ])
    expect(cards[1] && hrefs(byClass(cards[1], 'card-health')[0] ?? cards[1])).toEqual([
      'https://web.archive.org/web/2020/x',
    ])
    expect(cards[2] && hrefs(byClass(cards[2], 'card-health')[0] ?? cards[2])).toEqual([
      'https://new.example.com/',
    ])
  })

  it('marks nothing unchecked while no link was checked at all: a badge on every card says nothing', () => {
    const doc = render([resource('a', health({ status: 'unchecked' })), resource('b', health({}))])
    expect(byClass(doc, 'badge')).toEqual([])
  })

  it('never makes a link of a non-http archive or redirect target', () => {
    const doc = render([
      resource('evil', health({ status: 'broken', httpStatus: 410, archiveUrl: 'javascript:alert(1)' })),
      resource('evil2', health({ status: 'redirected', finalUrl: 'data:text/html,x' })),
    ])
    expect(byClass(doc, 'card-health').flatMap(hrefs)).toEqual([])
  })
})

describe('link health as a filter', () => {
  it('offers the statuses found as chips once any link was checked', () => {
    const doc = render([
      resource('gone', health({ status: 'broken', httpStatus: 404 })),
      resource('fine'),
      resource('never', health({ status: 'unchecked' })),
    ])
    const facets = byId(doc, 'facets')
    expect(facets && byTag(facets, 'h2').map(text)).toContain('Link health')
    const chips = facets ? hrefs(facets).filter((href) => href.includes('link=')) : []
    expect(chips).toEqual(['/?link=ok', '/?link=broken', '/?link=unchecked'])
  })

  it('leaves the chips out while nothing was checked: one "unchecked" chip filters nothing', () => {
    const doc = render([resource('a', health({ status: 'unchecked' })), resource('b', health({}))])
    const facets = byId(doc, 'facets')
    expect(facets && byTag(facets, 'h2').map(text)).toEqual(['Categories', 'Tags'])
  })
})

describe('a corrected search', () => {
  it('says which query was run, and offers the one typed without correction', () => {
    const doc = render([resource('docker')], 'dokcer', 'docker')
    const notice = byId(doc, 'notice')
    expect(text(notice)).toBe('Showing results for “docker”. Search only for “dokcer”')
    expect(hrefs(notice)).toEqual(['/?q=dokcer&typos=false'])
  })

  it('shows nothing when the query was not corrected', () => {
    for (const corrected of [undefined, null, 'docker']) {
      const doc = render([resource('docker')], 'docker', corrected)
      expect(text(byId(doc, 'notice'))).toBe('')
      expect(byTag(doc, 'strong')).toHaveLength(0)
    }
  })
})
