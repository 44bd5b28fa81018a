import Negotiator from 'negotiator'

// The representations a resource list is served in, and how a request picks one:
// ?format= when given, else the Accept header (RFC 9110 §12.5.1), read by
// negotiator (jshttp's parser behind Express: q-values, wildcards, specificity
// and parameters done right). On equal preference the order below decides, so
// */* and application/* give JSON, text/* gives CSV.

export const FORMATS = ['json', 'csv', 'ndjson', 'markdown'] as const
export type Format = (typeof FORMATS)[number]

/** The Content-Type each format is sent with. */
export const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson',
  // RFC 7763: text/markdown needs its charset; the variant names the dialect.
  markdown: 'text/markdown; charset=utf-8; variant=CommonMark',
}

/**
 * What Accept is matched against, in the server's order of preference. Parameters
 * count (negotiator matches them): text/markdown;variant=GFM is not served, while
 * text/csv;charset=utf-8 is. NDJSON is UTF-8 JSON, so its charset is accepted too.
 */
const OFFERED: readonly string[] = [
  CONTENT_TYPES.json,
  CONTENT_TYPES.csv,
  `${CONTENT_TYPES.ndjson}; charset=utf-8`,
  CONTENT_TYPES.markdown,
]

/** The media types a list is served in (without parameters), for a 406's explanation. */
export const SERVED_MEDIA_TYPES: readonly string[] = FORMATS.map(
  (format) => CONTENT_TYPES[format].split(';')[0] as string,
)

/** The file name an export is saved as (Content-Disposition). */
export const FILE_NAMES: Record<Exclude<Format, 'json'>, string> = {
  csv: 'docker-resources.csv',
  ndjson: 'docker-resources.ndjson',
  markdown: 'docker-resources.md',
}

// Clients send few distinct Accept headers (a browser's, curl's, a library's), so
// each one is negotiated once. Bounded: an unusual header costs a parse, no more.
const negotiated = new Map<string, Format | null>()
const MAX_REMEMBERED = 256

/**
 * The format an Accept header asks for, or null when it accepts none of them
 * (406). A missing or empty header means JSON, as an accept-anything one does.
 */
export function formatForAccept(accept: string | undefined): Format | null {
  if (accept === undefined || accept === '*/*' || accept === 'application/json') return 'json'
  // An empty field is read as no field at all, as most servers do.
  if (accept.trim() === '') return 'json'
  let format = negotiated.get(accept)
  if (format === undefined) {
    const best = new Negotiator({ headers: { accept } }).mediaType(OFFERED)
    format = best === undefined ? null : (FORMATS[OFFERED.indexOf(best)] ?? null)
    if (negotiated.size >= MAX_REMEMBERED) negotiated.clear()
    negotiated.set(accept, format)
  }
  return format
}
