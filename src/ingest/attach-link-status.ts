import type { Dataset } from './assemble-dataset.js'
import type { LinkStatusEntry } from './link-status.js'

const EXAMPLES = 3

/**
 * Gives each resource the link-status entry of its url (matched exactly: the
 * checker reads the page with the same parser). Entries for URLs the pages no
 * longer hold are left out with one warning: the page moved on since the last
 * check, which is not a reason to refuse it. An entry for an item's other link
 * (check-links --all-links) is on the page, but describes no resource's url.
 */
export function attachLinkStatus(dataset: Dataset, entries: LinkStatusEntry[], file: string): Dataset {
  const onPage = new Set(dataset.resources.flatMap((resource) => resource.links.map((link) => link.url)))
  const resourceUrls = new Set(dataset.resources.map((resource) => resource.url))
  const linkStatus = new Map<string, LinkStatusEntry>()
  const notOnPage: string[] = []
  for (const entry of entries) {
    if (resourceUrls.has(entry.url)) linkStatus.set(entry.url, normalizeCheckedAt(entry))
    else if (!onPage.has(entry.url)) notOnPage.push(entry.url)
  }
  const warnings = [...dataset.warnings]
  if (notOnPage.length > 0) {
    const examples = notOnPage.slice(0, EXAMPLES).join(', ')
    const more = notOnPage.length > EXAMPLES ? ', …' : ''
    warnings.push(
      notOnPage.length === 1
        ? `${file}: ignored 1 entry whose URL is not on the page (${examples})`
        : `${file}: ignored ${notOnPage.length} entries whose URLs are not on the page (${examples}${more})`,
    )
  }
  return { ...dataset, warnings, linkStatus }
}

/**
 * checkedAt may carry any offset; stored in UTC (as seededAt is), every value has
 * one form, so clients compare them as text and the database's min() and max()
 * are the oldest and newest check.
 */
function normalizeCheckedAt(entry: LinkStatusEntry): LinkStatusEntry {
  if (entry.checkedAt === null) return entry
  const time = new Date(entry.checkedAt)
  return Number.isNaN(time.getTime()) ? entry : { ...entry, checkedAt: time.toISOString() }
}
