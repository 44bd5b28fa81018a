import { describe, expect, it } from 'vitest'
import { type CardResource, type CatalogView, renderCatalogPage } from '../../src/views/catalog-page.js'
import type { SiteContext } from '../../src/views/layout.js'
import { byClass, byId, byTag, hrefs, parseHtml, text } from './dom.js'

// Parts of the page that light up when other work lands: link health's badge
// (resources gain `link`) and typo-tolerant search's notice (`meta.correctedQuery`).
// The view is rendered from answers of that shape; the app serves neither yet.

const site: SiteContext = {
  assets: { script: '/assets/catalog.x.js', style: '/assets/catalog.x.css', icon: '/assets/icon.x.svg' },
  dataset: { sourceHash: 'abcdef0123456789', seededAt: '2026-01-15T09:30:00.000Z', resources: 3 },
  sources: [{ url: 'https://www.fullstackpython.com/docker.html', label: 'fullstackpython.com/docker.html' }],
}

function resource(id: string, link?: CardResource['link']): CardResource {
  return {
    id,
    title: `Title ${id}`,
    url: `https://${id}.example.com/`,
    description: `About ${id}`,
    category: 'general',
    tags: [],
    host: `${id}.example.com`,
    links: [{ title: `Title ${id}`, url: `https://${id}.example.com/` }],
    ...(link === undefined ? {} : { link }),
  }
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
        facets: { category: [{ value: 'general', name: 'General', count: data.length }], tag: [] },
        ...(correctedQuery === undefined ? {} : { correctedQuery }),
      },
      links: { first: '/', next: null, prev: null },
    },
  }
  return parseHtml(String(renderCatalogPage(site, view)))
}

describe('link health on the cards', () => {
  it('shows a badge for every status but ok, with the HTTP status, where the link went and an archive', () => {
    const doc = render([
      resource('fine', { status: 'ok', httpStatus: 200 }),
      resource('gone', {
        status: 'broken',
        httpStatus: 404,
        archiveUrl: 'https://web.archive.org/web/2020/x',
      }),
      resource('moved', { status: 'redirected', httpStatus: 301, finalUrl: 'https://new.example.com/' }),
      resource('never', { status: 'unchecked', httpStatus: null }),
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

  it('never makes a link of a non-http archive or redirect target', () => {
    const doc = render([
      resource('evil', { status: 'broken', httpStatus: 410, archiveUrl: 'javascript:alert(1)' }),
      resource('evil2', { status: 'redirected', finalUrl: 'data:text/html,x' }),
    ])
    expect(byClass(doc, 'card-health').flatMap(hrefs)).toEqual([])
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
