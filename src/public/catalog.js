// Search as you type on the catalog page (GET /). The page works fully without
// this script: it only saves the round trip of a form submission. As the search
// box or the sort order changes it asks the JSON API (GET /v1/resources) for the
// same view, re-renders the results, counts, chips, paging and export links the
// way the server does (src/views/catalog-page.ts), and puts the view's URL in the
// address bar with history.replaceState, so what is on screen can still be shared.
//
// The page's Content-Security-Policy requires Trusted Types with no policy, so no
// string is ever parsed as HTML here: every node is built with the DOM API, and
// the API's search marks (<mark> inside escaped text) are split into text and
// <mark> elements.

const DEBOUNCE_MS = 200
const TAGS_SHOWN = 12
const LIST_FILTERS = ['category', 'tag', 'host', 'link']
const PAGING = ['cursor', 'offset']
const NOT_EXPORTED = [...PAGING, 'limit', 'format', 'fields']
const FILTER_LABELS = { category: 'Category', tag: 'Tag', host: 'Host', link: 'Link' }
const LINK_LABELS = {
  redirected: 'Redirects',
  broken: 'Broken link',
  blocked: 'Blocks link checks',
  unreachable: 'Unreachable',
  unchecked: 'Not checked yet',
}
const SITE_NAME = 'Docker resources'

const form = document.getElementById('search')
const input = document.getElementById('q')
const sort = document.getElementById('sort')
const regions = {
  count: document.getElementById('result-count'),
  notice: document.getElementById('notice'),
  active: document.getElementById('active-filters'),
  facets: document.getElementById('facets'),
  results: document.getElementById('results'),
  list: document.getElementById('result-list'),
  pager: document.getElementById('pager'),
  exports: document.getElementById('exports'),
}

// ---- building nodes -----------------------------------------------------------

/** el('a', { href, class: 'chip' }, 'text', node, ...): attributes set, children appended. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue
    node.setAttribute(name, value === true ? '' : String(value))
  }
  append(node, children)
  return node
}

/** Replaces a node's children; null, undefined, false and '' add nothing (replaceChildren would write "null"). */
function fill(node, ...children) {
  node.replaceChildren()
  append(node, children)
}

function append(node, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === null || child === undefined || child === false || child === '') continue
    node.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
}

const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

function unescapeHtml(text) {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity])
}

/** The API's escaped text with <mark> elements, as nodes: text stays text. */
function marked(markup) {
  const nodes = []
  let inMark = false
  for (const part of markup.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') inMark = true
    else if (part === '</mark>') inMark = false
    else if (part !== '') {
      const text = unescapeHtml(part)
      nodes.push(inMark ? el('mark', {}, text) : document.createTextNode(text))
    }
  }
  return nodes
}

function httpUrl(url) {
  if (!url) return null
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

function visuallyHidden(text) {
  return el('span', { class: 'visually-hidden' }, text)
}

function number(count) {
  return count.toLocaleString('en-US')
}

// ---- URLs: the same rules as src/views/catalog-urls.ts -----------------------------

function href(path, params) {
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

function pageHref(params) {
  return href('/', params)
}

function changeView(params, changes) {
  const next = new URLSearchParams(params)
  for (const name of PAGING) next.delete(name)
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(name)
    else next.set(name, value)
  }
  return next
}

function withFilter(params, name, values) {
  return changeView(params, { [name]: values.length > 0 ? values.join(',') : null })
}

function exportLinks(params) {
  const base = new URLSearchParams(params)
  for (const name of NOT_EXPORTED) base.delete(name)
  const as = (format) => {
    const next = new URLSearchParams(base)
    next.set('format', format)
    return href('/v1/resources', next)
  }
  return { json: href('/v1/resources', base), csv: as('csv'), ndjson: as('ndjson'), markdown: as('markdown') }
}

/** An API link (/v1/resources?...) as the page's own (/?...). */
function pageLink(apiLink) {
  if (!apiLink) return null
  const at = apiLink.indexOf('?')
  return at === -1 ? '/' : `/${apiLink.slice(at)}`
}

// ---- the state of the view --------------------------------------------------

/** What the form would submit, without its empty fields (as the server drops them). */
function formParams() {
  const params = new URLSearchParams()
  for (const [name, value] of new FormData(form)) {
    if (typeof value === 'string' && value !== '') params.append(name, value)
  }
  return params
}

/** The filters in force, from the form's hidden fields; names from the server's chips. */
function activeFilters(params, names) {
  const active = {}
  for (const name of LIST_FILTERS) {
    active[name] = (params.get(name) ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '')
      .map((value) => ({ value, name: names.get(`${name}:${value}`) ?? value }))
  }
  return active
}

function filterNames() {
  const names = new Map()
  for (const chip of document.querySelectorAll('[data-filter][data-value]')) {
    names.set(`${chip.dataset.filter}:${chip.dataset.value}`, chip.dataset.name ?? chip.dataset.value)
  }
  return names
}

// ---- rendering: the same markup as src/views/catalog-page.ts -----------------------

function countText(total, q) {
  const found = total === 0 ? 'No resources' : `${number(total)} ${total === 1 ? 'resource' : 'resources'}`
  return q ? `${found} found for “${q}”` : `${found} ${total === 1 ? 'matches' : 'match'}`
}

function pageTitle(q, offset, limit) {
  const page = offset > 0 ? ` (page ${Math.floor(offset / limit) + 1})` : ''
  return q ? `“${q}”${page} · ${SITE_NAME}` : `${SITE_NAME}${page}`
}

function removeChip(target, label) {
  return el(
    'li',
    {},
    el(
      'a',
      { class: 'chip chip-remove', href: target },
      label,
      visuallyHidden(', remove'),
      ' ',
      el('span', { 'aria-hidden': 'true' }, '×'),
    ),
  )
}

function renderActive(view) {
  const items = []
  if (view.q) items.push(removeChip(pageHref(changeView(view.params, { q: null })), `Search: “${view.q}”`))
  for (const name of LIST_FILTERS) {
    for (const item of view.filters[name]) {
      const without = view.filters[name].filter((other) => other.value !== item.value).map((o) => o.value)
      const chip = removeChip(
        pageHref(withFilter(view.params, name, without)),
        `${FILTER_LABELS[name]}: ${item.name}`,
      )
      const link = chip.firstChild
      link.dataset.filter = name
      link.dataset.value = item.value
      link.dataset.name = item.name
      items.push(chip)
    }
  }
  const region = regions.active
  region.replaceChildren()
  region.hidden = items.length === 0
  if (items.length === 0) return
  region.append(
    el('h2', { class: 'visually-hidden' }, 'Current filters'),
    el(
      'ul',
      { class: 'chips' },
      items,
      el('li', {}, el('a', { class: 'clear-all', href: '/' }, 'Clear all')),
    ),
  )
}

function facetChip(view, name, facet, selected) {
  const values = view.filters[name].map((item) => item.value)
  const next = selected ? values.filter((value) => value !== facet.value) : [...values, facet.value]
  const noun = facet.count === 1 ? 'resource' : 'resources'
  return el(
    'li',
    {},
    el(
      'a',
      { class: selected ? 'chip selected' : 'chip', href: pageHref(withFilter(view.params, name, next)) },
      selected ? el('span', { 'aria-hidden': 'true' }, '✓ ') : null,
      `${facet.name} `,
      el(
        'span',
        { class: 'count' },
        String(facet.count),
        visuallyHidden(` ${noun}${selected ? ', selected' : ''}`),
      ),
    ),
  )
}

function withSelected(facets, selected) {
  const missing = selected
    .filter((item) => !facets.some((facet) => facet.value === item.value))
    .map((item) => ({ value: item.value, name: item.name, count: 0 }))
  return [...facets, ...missing]
}

function renderFacets(view, facets) {
  const isSelected = (name, value) => view.filters[name].some((item) => item.value === value)
  const categories = withSelected(facets.category, view.filters.category)
  const tags = withSelected(facets.tag, view.filters.tag)
  const first = tags.filter((tag, index) => index < TAGS_SHOWN || isSelected('tag', tag.value))
  const rest = tags.filter((tag) => !first.includes(tag))
  const wasOpen = regions.facets.querySelector('details')?.open === true
  fill(
    regions.facets,
    el('h2', {}, 'Categories'),
    el(
      'ul',
      { class: 'chips' },
      categories.map((facet) => facetChip(view, 'category', facet, isSelected('category', facet.value))),
    ),
    el('h2', {}, 'Tags'),
    tags.length === 0
      ? el('p', { class: 'muted' }, 'No tags in these results.')
      : el(
          'ul',
          { class: 'chips' },
          first.map((facet) => facetChip(view, 'tag', facet, isSelected('tag', facet.value))),
        ),
  )
  if (rest.length > 0) {
    regions.facets.append(
      el(
        'details',
        { class: 'more-tags', open: wasOpen },
        el('summary', {}, `More tags (${rest.length})`),
        el(
          'ul',
          { class: 'chips' },
          rest.map((facet) => facetChip(view, 'tag', facet, false)),
        ),
      ),
    )
  }
  // As the server renders it: the statuses found, once any link was checked.
  const statuses = withSelected(
    facets.link.filter((facet) => facet.count > 0),
    view.filters.link,
  )
  if (statuses.some((facet) => facet.value !== 'unchecked') || view.filters.link.length > 0) {
    regions.facets.append(
      el('h2', {}, 'Link health'),
      el(
        'ul',
        { class: 'chips' },
        statuses.map((facet) => facetChip(view, 'link', facet, isSelected('link', facet.value))),
      ),
    )
  }
}

/** As the server decides: `unchecked` gets a badge only once some link was checked. */
function linkBadge(link, checked) {
  if (!link || link.status === 'ok' || (link.status === 'unchecked' && !checked)) return null
  const label = LINK_LABELS[link.status] ?? link.status
  const code = link.httpStatus ? ` (${link.httpStatus})` : ''
  const moved = link.status === 'redirected' ? httpUrl(link.finalUrl) : null
  const archive = httpUrl(link.archiveUrl)
  return el(
    'p',
    { class: 'card-health' },
    el('span', { class: `badge badge-${link.status}` }, `${label}${code}`),
    moved ? el('a', { href: moved, rel: 'noopener' }, 'now here') : null,
    archive ? el('a', { href: archive, rel: 'noopener' }, 'archived copy') : null,
  )
}

function card(view, resource, categoryNames, linksChecked) {
  const url = httpUrl(resource.url)
  const title = resource.match ? marked(resource.match.title) : [resource.title]
  const text = resource.match
    ? marked(resource.match.snippet)
    : resource.description
      ? [resource.description]
      : []
  const filterLink = (name, value, label) =>
    view.filters[name].some((item) => item.value === value)
      ? el('span', {}, label)
      : el(
          'a',
          {
            href: pageHref(withFilter(view.params, name, [...view.filters[name].map((f) => f.value), value])),
          },
          label,
        )
  const extra = resource.links.filter((link) => link.url !== resource.url && httpUrl(link.url) !== null)
  const headingId = `r-${resource.id}`
  return el(
    'li',
    { class: 'card' },
    el(
      'article',
      { 'aria-labelledby': headingId },
      el(
        'h3',
        { class: 'card-title', id: headingId },
        url ? el('a', { href: url, rel: 'noopener' }, title) : title,
      ),
      el(
        'p',
        { class: 'card-meta' },
        el('span', { class: 'host' }, filterLink('host', resource.host, resource.host)),
        ' · ',
        filterLink('category', resource.category, categoryNames.get(resource.category) ?? resource.category),
      ),
      linkBadge(resource.link, linksChecked),
      text.length > 0 ? el('p', { class: 'card-text' }, text) : null,
      resource.tags.length > 0
        ? el(
            'ul',
            { class: 'card-tags', 'aria-label': 'Tags' },
            resource.tags.map((tag) => el('li', {}, filterLink('tag', tag, tag))),
          )
        : null,
      extra.length > 0
        ? el(
            'p',
            { class: 'card-links' },
            'Also: ',
            extra.map((link, index) => [
              index > 0 ? ', ' : '',
              el('a', { href: link.url, rel: 'noopener' }, link.title || link.url),
            ]),
          )
        : null,
    ),
  )
}

function renderResults(view, answer) {
  const { data, meta } = answer
  const categoryNames = new Map(meta.facets.category.map((facet) => [facet.value, facet.name]))
  const linksChecked = meta.facets.link.some((facet) => facet.value !== 'unchecked' && facet.count > 0)
  const list =
    data.length > 0
      ? el(
          'ol',
          { id: 'result-list', class: 'cards' },
          data.map((resource) => card(view, resource, categoryNames, linksChecked)),
        )
      : el(
          'div',
          { id: 'result-list', class: 'empty' },
          el('p', {}, 'Nothing matches this view.'),
          el('p', {}, 'Try other words, remove a filter, or ', el('a', { href: '/' }, 'start over'), '.'),
        )
  regions.list.replaceWith(list)
  regions.list = list

  const prev = pageLink(answer.links.prev)
  const next = pageLink(answer.links.next)
  const range =
    meta.total === 0 || data.length === 0
      ? ''
      : `Showing ${number(meta.offset + 1)}–${number(meta.offset + data.length)} of ${number(meta.total)}`
  fill(
    regions.pager,
    prev ? el('a', { rel: 'prev', href: prev }, '← Previous') : null,
    el('p', {}, range),
    next ? el('a', { rel: 'next', href: next }, 'Next →') : null,
    meta.offset > meta.limit
      ? el('a', { class: 'first', href: pageLink(answer.links.first) }, 'First page')
      : null,
  )
}

function renderExports(params) {
  const links = exportLinks(params)
  fill(
    regions.exports,
    'This view as ',
    el('a', { href: links.json, type: 'application/json' }, 'JSON'),
    ' · ',
    el('a', { href: links.csv, type: 'text/csv' }, 'CSV'),
    ' · ',
    el('a', { href: links.ndjson, type: 'application/x-ndjson' }, 'NDJSON'),
    ' · ',
    el('a', { href: links.markdown, type: 'text/markdown' }, 'Markdown'),
  )
  document.querySelector('link[rel="alternate"][type="application/json"]')?.setAttribute('href', links.json)
}

function renderNotice(view, corrected) {
  const notice = regions.notice
  if (!corrected || corrected === view.q) {
    notice.hidden = true
    notice.replaceChildren()
    return
  }
  notice.hidden = false
  fill(
    notice,
    'Showing results for “',
    el('strong', {}, corrected),
    '”. ',
    el('a', { href: pageHref(changeView(view.params, { typos: 'false' })) }, `Search only for “${view.q}”`),
  )
}

function render(view, answer) {
  renderActive(view)
  regions.count.textContent = countText(answer.meta.total, view.q)
  renderNotice(view, answer.meta.correctedQuery)
  renderFacets(view, answer.meta.facets)
  renderResults(view, answer)
  renderExports(view.params)
  document.title = pageTitle(view.q, answer.meta.offset, answer.meta.limit)
}

// ---- searching ----------------------------------------------------------------

let names = new Map()
let shown = ''
let pending = null
let timer = 0

function updateSortLabel(q) {
  const option = sort?.querySelector('option[value=""]')
  if (option) option.textContent = q ? option.dataset.searching : option.dataset.browsing
}

async function search() {
  clearTimeout(timer)
  const params = formParams()
  const query = params.toString()
  if (query === shown) return
  shown = query
  pending?.abort()
  const controller = new AbortController()
  pending = controller
  const q = (params.get('q') ?? '').trim()
  updateSortLabel(q)
  history.replaceState(history.state, '', pageHref(params))
  regions.results.setAttribute('aria-busy', 'true')
  try {
    const response = await fetch(href('/v1/resources', params), {
      headers: { accept: 'application/json' },
      signal: controller.signal,
    })
    const body = await response.json()
    if (controller.signal.aborted) return
    if (!response.ok) {
      // The API's own message (problem+json), where the count is announced.
      regions.count.textContent = body?.detail ?? `The search failed (HTTP ${response.status}).`
      input.setAttribute('aria-invalid', 'true')
      return
    }
    input.removeAttribute('aria-invalid')
    render({ params, q, filters: activeFilters(params, names) }, body)
  } catch (error) {
    if (error?.name === 'AbortError') return
    // Offline or the server went away: the form still works the old way.
    shown = ''
    regions.count.textContent = 'The search could not reach the server; press Search to try again.'
  } finally {
    if (pending === controller) {
      pending = null
      regions.results.removeAttribute('aria-busy')
    }
  }
}

function start() {
  if (!form || !input || !regions.list || !regions.count || !regions.results) return
  names = filterNames()
  shown = formParams().toString()
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(search, DEBOUNCE_MS)
  })
  sort?.addEventListener('change', () => search())
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    search()
  })
  foldFiltersOnPhones()
  document.documentElement.dataset.enhanced = 'true'
}

/**
 * On a narrow screen the chips start folded, unless the person opened them on an
 * earlier page of this visit (chips are links, so each toggle loads a page); on a
 * wide one they are always open, and their summary is hidden.
 */
function foldFiltersOnPhones() {
  const panel = document.getElementById('filters-panel')
  if (!panel) return
  const wide = matchMedia('(min-width: 48rem)')
  const remembered = () => {
    try {
      return sessionStorage.getItem('catalog-filters-open') === 'true'
    } catch {
      return false
    }
  }
  panel.open = wide.matches || remembered()
  panel.addEventListener('toggle', () => {
    if (wide.matches) return
    try {
      sessionStorage.setItem('catalog-filters-open', String(panel.open))
    } catch {
      // Storage refused (private mode): the panel just starts folded.
    }
  })
  wide.addEventListener('change', () => {
    if (wide.matches) panel.open = true
  })
}

start()
