import { classifyHref } from '../ingest/normalize-url.js'
import { titleCaseSlug } from '../ingest/slugify.js'
import type { Resource } from '../queries/resources.js'

// The page's own format, so a curator can rebuild a page from the database and
// the seed's parser reads back the same resources: Pelican front matter, the
// page's section headings in page order (resources of the introduction, which has
// none, come first), and one `* ` item per resource.
//
// The parser takes an item's description from the item's whole text, link text
// included, and its resource from the item's first external link. So an item is
// the stored description with the resource's title turned back into the link it
// was: "[minimal-docker-python-setup](https://…) contains an image with …". The
// resource's other links are put back where their text appears after the ones
// before them (an external one only after the resource's own, which must stay the
// item's first); a link whose text cannot be found is left out. Everything else is
// escaped so that it reads back as the same plain text.

/** Characters that would start Markdown syntax anywhere in a line. */
const INLINE_SYNTAX = /[\\`*_[\]<>&]/g
/** A URL Markdown keeps as written (what micromark does not percent-encode). */
const PLAIN_URL = /^(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/

function escapeInline(text: string): string {
  return text.replace(INLINE_SYNTAX, '\\$&')
}

/** Escapes a line's start that would otherwise open a block: a heading, quote, list or break. */
function escapeLineStart(text: string): string {
  const ordered = /^(\d+)([.)])/.exec(text)
  if (ordered) return `${ordered[1]}\\${text.slice((ordered[1] as string).length)}`
  return /^[-+#>=~]/.test(text) ? `\\${text}` : text
}

function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;')
}

/** Character references (&amp;) that Markdown would decode in a link destination. */
const REFERENCE = /&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i

function link(title: string, url: string): string {
  if (!PLAIN_URL.test(url) || REFERENCE.test(url))
    return `<a href="${escapeAttribute(url)}">${escapeInline(title)}</a>`
  return `[${escapeInline(title)}](${/[()]/.test(url) ? `<${url}>` : url})`
}

export function frontMatter(pageSlug: string): string {
  return `title: ${titleCaseSlug(pageSlug)}\nslug: ${pageSlug}\n\n`
}

/** A section heading line, and the blank line after it (the caller separates it from what comes before). */
export function heading(text: string): string {
  // Every # escaped: a trailing " #" would otherwise be read as a closing sequence.
  return `## ${escapeLineStart(escapeInline(text).replaceAll('#', '\\#'))}\n\n`
}

type Placed = { start: number; end: number; title: string; url: string }

/** Where each link's text sits in the description, in order; null when the resource's own cannot be placed. */
function placeLinks(resource: Resource, pageSlug: string): Placed[] | null {
  const placed: Placed[] = []
  let from = 0
  let ownPlaced = false
  for (const { title, url } of resource.links) {
    const own = !ownPlaced && url === resource.url
    if (!own) {
      const kind = classifyHref(url, pageSlug).kind
      // Before the resource's own link, an external one would take its place.
      if (kind === 'ignored' || (!ownPlaced && kind !== 'internal')) continue
    }
    const start = title === '' ? -1 : resource.description.indexOf(title, from)
    if (start === -1) {
      if (own) return null
      continue
    }
    placed.push({ start, end: start + title.length, title, url })
    from = start + title.length
    if (own) ownPlaced = true
  }
  return ownPlaced ? placed : null
}

/** One `* ` line for a resource. */
export function item(resource: Resource, pageSlug: string): string {
  const placed = placeLinks(resource, pageSlug)
  if (placed === null) {
    // The title is not in the description (not a page the parser wrote): the
    // title and the description, side by side.
    const rest = resource.description === '' ? '' : ` ${escapeInline(resource.description)}`
    return `* ${link(resource.title, resource.url)}${rest}\n`
  }
  let text = ''
  let at = 0
  for (const { start, end, title, url } of placed) {
    text += escapeInline(resource.description.slice(at, start)) + link(title, url)
    at = end
  }
  text += escapeInline(resource.description.slice(at))
  return `* ${escapeLineStart(text)}\n`
}
