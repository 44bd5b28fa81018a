import type { LinkStatusEntry } from './link-status.js'
import type { CategoryRecord, ParsedPage, Problem, ResourceRecord, TagRecord } from './record.js'

export type TagWithCount = TagRecord & { count: number }

/** Everything the seed stores, assembled from one or more parsed pages. */
export type Dataset = {
  categories: CategoryRecord[]
  resources: ResourceRecord[]
  tags: TagWithCount[]
  problems: Problem[]
  warnings: string[]
  /** The health of each resource's url, keyed by that url; a resource without one is unchecked. */
  linkStatus?: ReadonlyMap<string, LinkStatusEntry>
}

/**
 * Joins parsed pages into one dataset: positions run on across pages in the order
 * given, a URL already seen on an earlier page is kept once (with a warning), and
 * categories and tags of the same slug are merged with counts recomputed.
 */
export function assembleDataset(pages: ParsedPage[]): Dataset {
  const resources: ResourceRecord[] = []
  const seen = new Map<string, ResourceRecord>()
  const categories = new Map<string, CategoryRecord>()
  const tagNames = new Map<string, string>()
  const problems: Problem[] = []
  const warnings: string[] = []

  for (const page of pages) {
    problems.push(...page.problems)
    for (const tag of page.tags) if (!tagNames.has(tag.slug)) tagNames.set(tag.slug, tag.name)
    const pageCategories = new Map(page.categories.map((category) => [category.slug, category]))
    for (const resource of page.resources) {
      const earlier = seen.get(resource.id)
      if (earlier) {
        warnings.push(
          `${page.page.file}:${resource.source.line}: ${resource.url} already listed on page ${earlier.source.page} (line ${earlier.source.line}); kept once`,
        )
        continue
      }
      const category = pageCategories.get(resource.category)
      if (!categories.has(resource.category)) {
        categories.set(resource.category, {
          slug: resource.category,
          name: category?.name ?? resource.category,
          heading: category?.heading ?? null,
          position: categories.size + 1,
          count: 0,
        })
      }
      const stored = { ...resource, position: resources.length + 1 }
      seen.set(stored.id, stored)
      resources.push(stored)
    }
  }

  const tagCounts = new Map<string, number>()
  for (const resource of resources) {
    const category = categories.get(resource.category)
    if (category) category.count += 1
    for (const tag of resource.tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1)
  }
  const tags = [...tagCounts]
    .map(([slug, count]) => ({ slug, name: tagNames.get(slug) ?? slug, count }))
    .sort((a, b) => a.slug.localeCompare(b.slug))

  return { categories: [...categories.values()], resources, tags, problems, warnings }
}
