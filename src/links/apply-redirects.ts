import type { LinkStatusEntry } from '../ingest/link-status.js'
import { resourceId } from '../ingest/normalize-url.js'
import { isPermanent, PERMANENT_STATUSES, successStatus } from './classify.js'

// --apply-redirects: a link that moved for good is rewritten to its new address in the
// page, and nothing else in the page changes. Only the hops a site declared permanent
// (301, 308) are taken: a chain that goes on with a temporary hop (often a login or
// a tracking page) is rewritten to where its permanent hops lead, not to where it
// ended. A link whose redirect looks like a soft 404 is left for the curator.

export type PlannedRewrite = { from: string; to: string; fromId: string; toId: string }
export type SkippedRewrite = { url: string; reason: string }

/** How many hops from the start were permanent. */
function leadingPermanentHops(entry: LinkStatusEntry): number {
  const index = entry.redirects.findIndex((hop) => !PERMANENT_STATUSES.has(hop.status))
  return index < 0 ? entry.redirects.length : index
}

/** The rewrites the entries call for, and the permanent redirects that are left alone with the reason. */
export function planRewrites(entries: Iterable<LinkStatusEntry>): {
  rewrites: PlannedRewrite[]
  skipped: SkippedRewrite[]
} {
  const rewrites: PlannedRewrite[] = []
  const skipped: SkippedRewrite[] = []
  for (const entry of entries) {
    if (!entry.permanent || (entry.status !== 'ok' && entry.status !== 'redirected')) continue
    const leading = leadingPermanentHops(entry)
    const first = entry.redirects[0]
    if (leading === 0 || !first) {
      skipped.push({ url: entry.url, reason: `its first hop is a temporary ${first?.status ?? 'redirect'}` })
      continue
    }
    if (entry.suspectSoft404) {
      skipped.push({ url: entry.url, reason: 'it looks like a soft 404: check it by hand' })
      continue
    }
    const to = entry.redirects[leading - 1]?.url ?? entry.url
    if (to === entry.url) continue
    rewrites.push({ from: entry.url, to, fromId: resourceId(entry.url), toId: resourceId(to) })
  }
  return { rewrites, skipped }
}

/** The entry the new URL gets: the rest of the chain that was observed after the permanent hops. */
export function entryAfterRewrite(entry: LinkStatusEntry, to: string): LinkStatusEntry {
  const rest = entry.redirects.slice(leadingPermanentHops(entry))
  return {
    ...entry,
    url: to,
    status: successStatus(to, rest),
    finalUrl: rest.length > 0 ? entry.finalUrl : null,
    redirects: rest,
    permanent: isPermanent(rest),
    error: null,
    archiveUrl: null,
    consecutiveFailures: 0,
  }
}

export type ChangedLine = { line: number; text: string; rewrites: PlannedRewrite[] }

const BEFORE_URL = /[\s("'<[=]/
const AFTER_URL = /[\s)"'>\]]/

function escapeHtml(url: string): string {
  return url.replace(/&/g, '&amp;')
}

/**
 * Replaces each `from` URL where it stands as a whole URL (in `(...)`, `<...>`, an
 * attribute or a reference definition; also with `&` written `&amp;`), keeping every
 * other byte, line endings included. Returns the new text, the changed lines and the
 * URLs that were not found as written.
 */
export function rewritePage(
  text: string,
  rewrites: readonly PlannedRewrite[],
): { text: string; changed: ChangedLine[]; notFound: PlannedRewrite[] } {
  const parts = text.split(/(\r\n|\n|\r)/)
  const changed: ChangedLine[] = []
  const found = new Set<PlannedRewrite>()
  for (let index = 0; index < parts.length; index += 2) {
    const original = parts[index] ?? ''
    let line = original
    const applied: PlannedRewrite[] = []
    for (const rewrite of rewrites) {
      const forms: Array<[string, string]> = [[rewrite.from, rewrite.to]]
      if (rewrite.from.includes('&')) forms.push([escapeHtml(rewrite.from), escapeHtml(rewrite.to)])
      for (const [from, to] of forms) {
        let at = line.indexOf(from)
        while (at >= 0) {
          const before = at === 0 ? ' ' : (line[at - 1] as string)
          const after = line[at + from.length] ?? ' '
          if (BEFORE_URL.test(before) && AFTER_URL.test(after)) {
            line = line.slice(0, at) + to + line.slice(at + from.length)
            if (!applied.includes(rewrite)) applied.push(rewrite)
            found.add(rewrite)
            at = line.indexOf(from, at + to.length)
          } else {
            at = line.indexOf(from, at + 1)
          }
        }
      }
    }
    if (line !== original) {
      parts[index] = line
      changed.push({ line: index / 2 + 1, text: line, rewrites: applied })
    }
  }
  return { text: parts.join(''), changed, notFound: rewrites.filter((rewrite) => !found.has(rewrite)) }
}
