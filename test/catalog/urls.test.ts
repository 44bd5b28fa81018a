import { describe, expect, it } from 'vitest'
import {
  type ActiveFilters,
  changeView,
  exportLinks,
  pageHref,
  queryOf,
  toggleFilter,
  withoutEmptyParams,
} from '../../src/views/catalog-urls.js'

const none: ActiveFilters = { category: [], tag: [], host: [], link: [] }

describe('withoutEmptyParams: what a GET form sends, cleaned', () => {
  it.each([
    ['/', null],
    ['/?q=docker', null],
    ['/?q=docker&category=general', null],
    ['/?q=', ''],
    ['/?', ''],
    ['/?&&', ''],
    ['/?q=&sort=&category=', ''],
    ['/?q=docker&sort=', 'q=docker'],
    ['/?sort=&q=docker&tag', 'q=docker'],
    ['/?q=a%20b&sort=&tag=django%2Cflask', 'q=a%20b&tag=django%2Cflask'],
    ['/?q=+', null],
  ])('%s -> %j', (url, expected) => {
    expect(withoutEmptyParams(url)).toBe(expected)
  })
})

describe('links to other views', () => {
  const params = queryOf('/?q=docker&category=general&limit=5&cursor=abc&offset=10')

  it('a changed view keeps the filters and drops the page it was on', () => {
    expect(pageHref(changeView(params, { sort: 'title' }))).toBe(
      '/?q=docker&category=general&limit=5&sort=title',
    )
    expect(pageHref(changeView(params, { q: null }))).toBe('/?category=general&limit=5')
    expect(pageHref(changeView(new URLSearchParams(), {}))).toBe('/')
  })

  it('toggling a chip adds the value to the filter, or removes it when it is there', () => {
    const active: ActiveFilters = { ...none, category: [{ value: 'general', name: 'General' }] }
    expect(pageHref(toggleFilter(params, active, 'category', 'core'))).toBe(
      '/?q=docker&category=general%2Ccore&limit=5',
    )
    expect(pageHref(toggleFilter(params, active, 'category', 'general'))).toBe('/?q=docker&limit=5')
    expect(pageHref(toggleFilter(params, active, 'tag', 'django'))).toBe(
      '/?q=docker&category=general&limit=5&tag=django',
    )
  })

  it('the exports carry the filters, search and sort, but no page size or position', () => {
    const links = exportLinks(queryOf('/?q=docker&category=general&sort=title&limit=5&cursor=abc&offset=10'))
    expect(links).toEqual({
      json: '/v1/resources?q=docker&category=general&sort=title',
      csv: '/v1/resources?q=docker&category=general&sort=title&format=csv',
      ndjson: '/v1/resources?q=docker&category=general&sort=title&format=ndjson',
      markdown: '/v1/resources?q=docker&category=general&sort=title&format=markdown',
    })
    expect(exportLinks(new URLSearchParams()).json).toBe('/v1/resources')
  })
})
