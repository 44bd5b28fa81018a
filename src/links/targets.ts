import { HttpUrlSchema, type ParsedPage } from '../ingest/record.js'

// What a run checks: each resource's URL, or with --all-links every http(s) link of
// every item (the resource's own first, then the others it mentions). A URL on the
// pages twice is checked once, and reported at its first place.

export type LinkTarget = {
  url: string
  /** The page file and the line of the item the link is in. */
  page: string
  line: number
  /** The resource's title, or the link's text for a secondary link. */
  title: string
  resourceId: string
  /** The resource's own URL (not one of the other links of its item). */
  primary: boolean
}

function isHttpUrl(url: string): boolean {
  return HttpUrlSchema.safeParse(url).success
}

/** Every http(s) URL the pages link to, resources' or not: the status file keeps entries for these. */
export function pageUrls(pages: readonly ParsedPage[]): Set<string> {
  const urls = new Set<string>()
  for (const page of pages) {
    for (const resource of page.resources) {
      urls.add(resource.url)
      for (const link of resource.links) if (isHttpUrl(link.url)) urls.add(link.url)
    }
  }
  return urls
}

export function collectTargets(pages: readonly ParsedPage[], options: { allLinks: boolean }): LinkTarget[] {
  const targets = new Map<string, LinkTarget>()
  const add = (target: LinkTarget) => {
    if (!targets.has(target.url)) targets.set(target.url, target)
  }
  const where = (page: ParsedPage, resource: ParsedPage['resources'][number]) => ({
    page: page.page.file,
    line: resource.source.line,
    resourceId: resource.id,
  })
  // Resources' own URLs first, so a URL that is one resource's and another's mention is the resource's.
  for (const page of pages) {
    for (const resource of page.resources) {
      add({ url: resource.url, title: resource.title, primary: true, ...where(page, resource) })
    }
  }
  if (options.allLinks) {
    for (const page of pages) {
      for (const resource of page.resources) {
        for (const link of resource.links) {
          if (isHttpUrl(link.url)) {
            add({
              url: link.url,
              title: link.title || resource.title,
              primary: false,
              ...where(page, resource),
            })
          }
        }
      }
    }
  }
  return [...targets.values()]
}
