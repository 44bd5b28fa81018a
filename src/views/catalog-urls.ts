// Every link on the catalog page is the current view with one thing changed, so
// every view a person reaches is a URL they can share. The page takes the query
// parameters of GET /v1/resources; these helpers build the neighbouring views and
// the same view in the API's formats. src/public/catalog.js follows the same rules
// when it re-renders in the browser.

/** Filters given as comma-separated values (several combine with OR). `link` arrives with link health. */
export const LIST_FILTERS = ['category', 'tag', 'host', 'link'] as const
export type ListFilter = (typeof LIST_FILTERS)[number]

/** A filter value as the page shows it: the canonical value and a display name. */
export type FilterValue = { value: string; name: string }
export type ActiveFilters = Record<ListFilter, FilterValue[]>

/** Parameters that choose a page of a view rather than the view itself. */
const PAGING = ['cursor', 'offset']
/** Parameters an export link leaves out: it exports every row, in the API's own shape. */
const NOT_EXPORTED = [...PAGING, 'limit', 'format', 'fields']

export const EXPORT_FORMATS = ['csv', 'ndjson', 'markdown'] as const
export type ExportLinks = { json: string } & Record<(typeof EXPORT_FORMATS)[number], string>

/** The query string of a request URL, parsed. */
export function queryOf(url: string): URLSearchParams {
  const at = url.indexOf('?')
  return new URLSearchParams(at === -1 ? '' : url.slice(at + 1))
}

/**
 * The query string without its empty parameters, or null when it has none. A GET
 * form sends every field, filled or not (?q=&sort=); the page treats an empty
 * field as absent and redirects to the URL without it, so the address a person
 * shares is the clean one. The pieces kept are kept exactly as sent.
 */
export function withoutEmptyParams(url: string): string | null {
  const at = url.indexOf('?')
  if (at === -1) return null
  const pieces = url.slice(at + 1).split('&')
  const kept = pieces.filter((piece) => {
    const eq = piece.indexOf('=')
    return eq !== -1 && eq < piece.length - 1
  })
  // `?` alone and `?&&` carry nothing either: their pieces are empty and dropped.
  return kept.length === pieces.length ? null : kept.join('&')
}

function href(path: string, params: URLSearchParams): string {
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

/** The catalog page showing these parameters. */
export function pageHref(params: URLSearchParams): string {
  return href('/', params)
}

/** Another view: the changes applied (null deletes), and paging dropped, since the view changed. */
export function changeView(params: URLSearchParams, changes: Record<string, string | null>): URLSearchParams {
  const next = new URLSearchParams(params)
  for (const name of PAGING) next.delete(name)
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(name)
    else next.set(name, value)
  }
  return next
}

/** The view with a list filter set to these values (none: the filter removed). */
export function withFilter(params: URLSearchParams, name: ListFilter, values: string[]): URLSearchParams {
  return changeView(params, { [name]: values.length > 0 ? values.join(',') : null })
}

/** The view with one value added to a filter, or removed if it is there. */
export function toggleFilter(
  params: URLSearchParams,
  active: ActiveFilters,
  name: ListFilter,
  value: string,
): URLSearchParams {
  const values = active[name].map((item) => item.value)
  return withFilter(
    params,
    name,
    values.includes(value) ? values.filter((item) => item !== value) : [...values, value],
  )
}

/** The same view from the API: JSON (its first page) and each export format (every row). */
export function exportLinks(params: URLSearchParams): ExportLinks {
  const base = new URLSearchParams(params)
  for (const name of NOT_EXPORTED) base.delete(name)
  const as = (format: string) => {
    const next = new URLSearchParams(base)
    next.set('format', format)
    return href('/v1/resources', next)
  }
  return { json: href('/v1/resources', base), csv: as('csv'), ndjson: as('ndjson'), markdown: as('markdown') }
}
