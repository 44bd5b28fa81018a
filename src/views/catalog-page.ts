import { groupDigits } from '../group-digits.js'
import type { FacetCount, Resource } from '../queries/resources.js'
import {
  type ActiveFilters,
  changeView,
  exportLinks,
  type FilterValue,
  LIST_FILTERS,
  type ListFilter,
  pageHref,
  toggleFilter,
  withFilter,
} from './catalog-urls.js'
import { type Html, html, httpUrl, trustedHtml } from './html.js'
import { layout, SITE_NAME, type SiteContext } from './layout.js'

// The catalog page: one view of GET /v1/resources (the same answer, from the same
// function) rendered as HTML that works without JavaScript. The types below are
// the parts of that answer the page reads.

/** A resource as GET /v1/resources returns it, the parts a card shows. */
export type CardResource = Omit<Resource, 'position' | 'source' | 'match'> & {
  match?: Pick<NonNullable<Resource['match']>, 'title' | 'snippet'>
}

export type ResourceListAnswer = {
  data: CardResource[]
  meta: {
    total: number
    limit: number
    offset: number
    facets: { category: FacetCount[]; tag: FacetCount[]; link: FacetCount[] }
    /** Set by typo-tolerant search when the query run differs from the one typed. */
    correctedQuery: string | null
  }
  links: { first: string; next: string | null; prev: string | null }
}

export type CatalogView = {
  /** The page's own query parameters, empty ones already gone. */
  params: URLSearchParams
  /** The filters in force, resolved to their canonical values and names. */
  filters: ActiveFilters
  /** Display names of every category, by slug. */
  categoryNames: ReadonlyMap<string, string>
  list: ResourceListAnswer
}

/** Tags shown before "More tags"; the rest sit in a disclosure that works without script. */
const TAGS_SHOWN = 12

const FILTER_LABELS: Record<ListFilter, string> = {
  category: 'Category',
  tag: 'Tag',
  host: 'Host',
  link: 'Link',
}

export const SORT_LABELS: Record<string, string> = {
  relevance: 'Best match',
  position: 'Page order',
  '-position': 'Reverse page order',
  title: 'Title A–Z',
  '-title': 'Title Z–A',
}

const LINK_LABELS: Record<string, string> = {
  redirected: 'Redirects',
  broken: 'Broken link',
  blocked: 'Blocks link checks',
  unreachable: 'Unreachable',
  unchecked: 'Not checked yet',
}

function plural(count: number, one: string, many: string): string {
  return `${groupDigits(count)} ${count === 1 ? one : many}`
}

export function countText(total: number, q: string): string {
  const found = total === 0 ? 'No resources' : plural(total, 'resource', 'resources')
  return q ? `${found} found for “${q}”` : `${found} ${total === 1 ? 'matches' : 'match'}`
}

function searchForm(view: CatalogView, q: string): Html {
  const sort = view.params.get('sort') ?? ''
  const hidden: Html[] = []
  for (const [name, value] of view.params) {
    if (name === 'q' || name === 'sort' || name === 'cursor' || name === 'offset') continue
    if ((LIST_FILTERS as readonly string[]).includes(name)) continue
    hidden.push(html`<input type="hidden" name="${name}" value="${value}">`)
  }
  for (const name of LIST_FILTERS) {
    const values = view.filters[name]
    if (values.length > 0) {
      hidden.push(html`<input type="hidden" name="${name}" value="${values.map((v) => v.value).join(',')}">`)
    }
  }
  const options = ['position', '-position', 'title', '-title']
  if (sort === 'relevance') options.unshift('relevance')
  return html`<form class="search" id="search" role="search" action="/" method="get">
        <label for="q">Search resources</label>
        <div class="search-row">
          <input type="search" id="q" name="q" value="${q}" maxlength="500" autocomplete="off"
            spellcheck="false" enterkeyhint="search" aria-describedby="q-hint">
          <button type="submit">Search</button>
        </div>
        <p class="hint" id="q-hint">Words in titles, descriptions and tags; the last word may be cut short.</p>
        <div class="sort-row">
          <label for="sort">Sort by</label>
          <select id="sort" name="sort">
            <option value=""${sort === '' ? ' selected' : ''} data-searching="${SORT_LABELS.relevance}" data-browsing="${SORT_LABELS.position}">${
              q ? SORT_LABELS.relevance : SORT_LABELS.position
            }</option>
            ${options.map(
              (value) =>
                html`<option value="${value}"${sort === value ? ' selected' : ''}>${SORT_LABELS[value]}</option>`,
            )}
          </select>
        </div>
        ${hidden}
      </form>`
}

function activeFilters(view: CatalogView, q: string): Html {
  const items: Html[] = []
  if (q) {
    items.push(html`<li><a class="chip chip-remove" href="${pageHref(changeView(view.params, { q: null }))}"
          >Search: “${q}”<span class="visually-hidden">, remove</span> <span aria-hidden="true">×</span></a></li>`)
  }
  for (const name of LIST_FILTERS) {
    for (const item of view.filters[name]) {
      const without = view.filters[name].filter((other) => other.value !== item.value).map((o) => o.value)
      items.push(html`<li><a class="chip chip-remove" href="${pageHref(withFilter(view.params, name, without))}"
          data-filter="${name}" data-value="${item.value}" data-name="${item.name}"
          >${FILTER_LABELS[name]}: ${item.name}<span class="visually-hidden">, remove</span> <span aria-hidden="true">×</span></a></li>`)
    }
  }
  if (items.length === 0) return html`<div id="active-filters" class="active-filters" hidden></div>`
  return html`<div id="active-filters" class="active-filters">
        <h2 class="visually-hidden">Current filters</h2>
        <ul class="chips">
          ${items}
          <li><a class="clear-all" href="/">Clear all</a></li>
        </ul>
      </div>`
}

function chip(view: CatalogView, name: ListFilter, facet: FacetCount, selected: boolean): Html {
  const target = pageHref(toggleFilter(view.params, view.filters, name, facet.value))
  return html`<li><a class="chip${selected ? ' selected' : ''}" href="${target}"
            >${selected ? html`<span aria-hidden="true">✓ </span>` : ''}${facet.name} <span class="count">${facet.count}<span class="visually-hidden"> ${facet.count === 1 ? 'resource' : 'resources'}${selected ? ', selected' : ''}</span></span></a></li>`
}

/** Facet entries with the selected values first in their place, including any the counts left out. */
function withSelected(facets: FacetCount[], selected: FilterValue[]): FacetCount[] {
  const missing = selected
    .filter((item) => !facets.some((facet) => facet.value === item.value))
    .map((item) => ({ value: item.value, name: item.name, count: 0 }))
  return [...facets, ...missing]
}

function facetChips(view: CatalogView): Html {
  const isSelected = (name: ListFilter, value: string) => view.filters[name].some((f) => f.value === value)
  const categories = withSelected(view.list.meta.facets.category, view.filters.category)
  const tags = withSelected(view.list.meta.facets.tag, view.filters.tag)
  // Selected tags always show, even when they are not among the most frequent.
  const first = tags.filter((tag, index) => index < TAGS_SHOWN || isSelected('tag', tag.value))
  const rest = tags.filter((tag) => !first.includes(tag))
  return html`<nav id="facets" class="facets" aria-label="Filters">
        <h2>Categories</h2>
        <ul class="chips">
          ${categories.map((facet) => chip(view, 'category', facet, isSelected('category', facet.value)))}
        </ul>
        <h2>Tags</h2>
        ${
          tags.length === 0
            ? html`<p class="muted">No tags in these results.</p>`
            : html`<ul class="chips">
          ${first.map((facet) => chip(view, 'tag', facet, isSelected('tag', facet.value)))}
        </ul>`
        }
        ${
          rest.length > 0
            ? html`<details class="more-tags">
          <summary>More tags (${rest.length})</summary>
          <ul class="chips">
            ${rest.map((facet) => chip(view, 'tag', facet, false))}
          </ul>
        </details>`
            : ''
        }
        ${linkChips(view, isSelected)}
      </nav>`
}

/**
 * Link health as a filter, once the curator has checked the links: the statuses
 * found in these results (and any chosen). A dataset nobody checked yet is all
 * `unchecked`, and a lone chip saying so filters nothing, so it is left out.
 */
function linkChips(view: CatalogView, isSelected: (name: ListFilter, value: string) => boolean): Html {
  const statuses = withSelected(
    view.list.meta.facets.link.filter((facet) => facet.count > 0),
    view.filters.link,
  )
  if (!linksChecked(view) && view.filters.link.length === 0) return html``
  return html`<h2>Link health</h2>
        <ul class="chips">
          ${statuses.map((facet) => chip(view, 'link', facet, isSelected('link', facet.value)))}
        </ul>`
}

/** Whether the curator ever checked these results' links: until then every one is `unchecked`. */
function linksChecked(view: CatalogView): boolean {
  return view.list.meta.facets.link.some((facet) => facet.value !== 'unchecked' && facet.count > 0)
}

/** A badge for a link that is not ok; `unchecked` only once others were checked, or every card had one. */
function linkBadge(link: CardResource['link'], checked: boolean): Html {
  if (link.status === 'ok' || (link.status === 'unchecked' && !checked)) return html``
  const label = LINK_LABELS[link.status] ?? link.status
  const code = link.httpStatus ? ` (${link.httpStatus})` : ''
  const moved = link.status === 'redirected' ? httpUrl(link.finalUrl) : null
  const archive = httpUrl(link.archiveUrl)
  return html`<p class="card-health">
              <span class="badge badge-${link.status}">${label}${code}</span>
              ${moved ? html`<a href="${moved}" rel="noopener">now here</a>` : ''}
              ${archive ? html`<a href="${archive}" rel="noopener">archived copy</a>` : ''}
            </p>`
}

function card(view: CatalogView, resource: CardResource): Html {
  const url = httpUrl(resource.url)
  const title = resource.match
    ? trustedHtml(resource.match.title, 'escaped by the API around <mark>')
    : resource.title
  const text = resource.match
    ? trustedHtml(resource.match.snippet, 'escaped by the API around <mark>')
    : resource.description
  const categoryName = view.categoryNames.get(resource.category) ?? resource.category
  const filterLink = (name: ListFilter, value: string, label: string) =>
    view.filters[name].some((item) => item.value === value)
      ? html`<span>${label}</span>`
      : html`<a href="${pageHref(withFilter(view.params, name, [...view.filters[name].map((f) => f.value), value]))}">${label}</a>`
  const extra = resource.links.filter((link) => link.url !== resource.url && httpUrl(link.url) !== null)
  return html`<li class="card">
          <article aria-labelledby="r-${resource.id}">
            <h3 class="card-title" id="r-${resource.id}">${url ? html`<a href="${url}" rel="noopener">${title}</a>` : title}</h3>
            <p class="card-meta"><span class="host">${filterLink('host', resource.host, resource.host)}</span> · ${filterLink('category', resource.category, categoryName)}</p>
            ${linkBadge(resource.link, linksChecked(view))}
            ${text ? html`<p class="card-text">${text}</p>` : ''}
            ${
              resource.tags.length > 0
                ? html`<ul class="card-tags" aria-label="Tags">
              ${resource.tags.map((tag) => html`<li>${filterLink('tag', tag, tag)}</li>`)}
            </ul>`
                : ''
            }
            ${
              extra.length > 0
                ? html`<p class="card-links">Also: ${extra.map(
                    (link, index) =>
                      html`${index > 0 ? ', ' : ''}<a href="${link.url}" rel="noopener">${link.title || link.url}</a>`,
                  )}</p>`
                : ''
            }
          </article>
        </li>`
}

function rangeText(meta: ResourceListAnswer['meta'], shown: number): string {
  if (meta.total === 0 || shown === 0) return ''
  const from = meta.offset + 1
  const to = meta.offset + shown
  return `Showing ${groupDigits(from)}–${groupDigits(to)} of ${groupDigits(meta.total)}`
}

function pager(list: ResourceListAnswer): Html {
  const { links, meta } = list
  const range = rangeText(meta, list.data.length)
  if (!links.prev && !links.next) {
    return html`<nav id="pager" class="pager" aria-label="Pages"><p>${range}</p></nav>`
  }
  return html`<nav id="pager" class="pager" aria-label="Pages">
          ${links.prev ? html`<a rel="prev" href="${links.prev}">← Previous</a>` : ''}
          <p>${range}</p>
          ${links.next ? html`<a rel="next" href="${links.next}">Next →</a>` : ''}
          ${meta.offset > meta.limit ? html`<a class="first" href="${links.first}">First page</a>` : ''}
        </nav>`
}

function results(view: CatalogView): Html {
  const { data } = view.list
  const list =
    data.length > 0
      ? html`<ol id="result-list" class="cards">
        ${data.map((resource) => card(view, resource))}
      </ol>`
      : html`<div id="result-list" class="empty">
        <p>Nothing matches this view.</p>
        <p>Try other words, remove a filter, or <a href="/">start over</a>.</p>
      </div>`
  return html`<section id="results" class="results" aria-labelledby="results-heading" tabindex="-1">
      <h2 id="results-heading" class="visually-hidden">Results</h2>
      ${list}
      ${pager(view.list)}
    </section>`
}

function exportsLine(params: URLSearchParams): Html {
  const links = exportLinks(params)
  return html`<p id="exports" class="exports">This view as
        <a href="${links.json}" type="application/json">JSON</a> ·
        <a href="${links.csv}" type="text/csv">CSV</a> ·
        <a href="${links.ndjson}" type="application/x-ndjson">NDJSON</a> ·
        <a href="${links.markdown}" type="text/markdown">Markdown</a></p>`
}

function correctedNotice(view: CatalogView, q: string): Html {
  const corrected = view.list.meta.correctedQuery
  if (!corrected || corrected === q) return html`<p id="notice" class="notice" hidden></p>`
  const exact = pageHref(changeView(view.params, { typos: 'false' }))
  return html`<p id="notice" class="notice">Showing results for “<strong>${corrected}</strong>”. <a href="${exact}">Search only for “${q}”</a></p>`
}

export function pageTitle(q: string, offset: number, limit: number): string {
  const page = offset > 0 ? ` (page ${Math.floor(offset / limit) + 1})` : ''
  return q ? `“${q}”${page} · ${SITE_NAME}` : `${SITE_NAME}${page}`
}

/** The whole catalog page for one view. */
export function renderCatalogPage(context: SiteContext, view: CatalogView): Html {
  const q = (view.params.get('q') ?? '').trim()
  const { meta, links } = view.list
  const json = exportLinks(view.params).json
  const total = context.dataset?.resources
  const main = html`      <h1>Docker learning resources</h1>
      ${
        total !== undefined
          ? html`<p class="lede">${plural(total, 'resource', 'resources')} from Full Stack Python’s Docker page, to search, filter and export.</p>`
          : ''
      }
      ${searchForm(view, q)}
      ${activeFilters(view, q)}
      <p id="result-count" class="result-count" role="status">${countText(meta.total, q)}</p>
      ${correctedNotice(view, q)}
      <div class="layout">
      <details class="filters-panel" id="filters-panel" open>
        <summary>Categories and tags</summary>
      ${facetChips(view)}
      </details>
      ${results(view)}
      </div>
      ${exportsLine(view.params)}`
  return layout(context, {
    title: pageTitle(q, meta.offset, meta.limit),
    description: 'Curated Docker learning resources from Full Stack Python: search, filter and export.',
    head: html`<link rel="alternate" type="application/json" href="${json}">
    ${links.prev ? html`<link rel="prev" href="${links.prev}">` : ''}
    ${links.next ? html`<link rel="next" href="${links.next}">` : ''}`,
    main,
  })
}

export type ErrorView = {
  status: number
  title: string
  detail: string
  errors: { param: string; message: string; allowed?: string[] }[]
  /** The search as typed, to put back in the form. */
  q: string
}

/** A request the page cannot answer: the API's own message, the search form to fix it, a way back. */
export function renderErrorPage(context: SiteContext, error: ErrorView): Html {
  const suggestions = error.errors.filter(
    (item) => (item.param === 'category' || item.param === 'tag') && item.allowed && item.allowed.length > 0,
  )
  const main = html`      <h1>${error.status < 500 ? 'This view cannot be shown' : 'Something went wrong'}</h1>
      <section id="results" class="problem" role="alert" tabindex="-1" aria-labelledby="problem-title">
        <h2 id="problem-title">${error.status} ${error.title}</h2>
        <p class="problem-detail">${error.detail}</p>
        ${suggestions.map(
          (item) => html`<h3>Valid values for ${item.param}</h3>
        <ul class="chips">
          ${(item.allowed ?? []).map(
            (value) =>
              html`<li><a class="chip" href="${pageHref(new URLSearchParams({ [item.param]: value }))}">${value}</a></li>`,
          )}
        </ul>`,
        )}
        <p><a href="/">Start over</a> with every resource.</p>
      </section>
      <form class="search" id="search" role="search" action="/" method="get">
        <label for="q">Search resources</label>
        <div class="search-row">
          <input type="search" id="q" name="q" value="${error.q}" maxlength="500" autocomplete="off" spellcheck="false">
          <button type="submit">Search</button>
        </div>
      </form>`
  return layout(context, { title: `${error.status} ${error.title} · ${SITE_NAME}`, main })
}
