import type { Heading, List, ListItem, Nodes, RootContent } from 'mdast'
import { fromMarkdown } from 'mdast-util-from-markdown'
import type { CategoryMap } from './category-map.js'
import { parseFrontMatter } from './front-matter.js'
import { collapseWhitespace, inlineContent, type RawLink } from './inline-content.js'
import { bareHost, classifyHref, type LinkTarget, normalizeUrl, resourceId } from './normalize-url.js'
import {
  type CategoryRecord,
  type Link,
  type ParsedPage,
  ParsedPageSchema,
  type Problem,
  type ResourceRecord,
  ResourceRecordSchema,
  type TagRecord,
} from './record.js'
import { slugify, titleCaseSlug } from './slugify.js'
import { internalLinkTag, vocabularyName, vocabularyTags } from './tags.js'

export { PageFormatError } from './front-matter.js'

export type ParseOptions = {
  /** The path the page was read from, as given; it appears in problems and in `page.file`. */
  file: string
  categoryMap?: CategoryMap
}

type Section = { heading: string; line: number } | null

type ClassifiedLink = RawLink & { target: LinkTarget }

// One potential resource: a list item, or one external link of the introduction.
type Candidate = {
  section: Section
  line: number
  primary: ClassifiedLink
  links: ClassifiedLink[]
  description: string
}

// Headings deeper than ### do not start a category (they are sub-points of one).
const MAX_SECTION_DEPTH = 3

/**
 * Turns a page of the site (Pelican front matter + CommonMark) into validated records.
 * Pure: no file system. Throws PageFormatError when the text has no front matter;
 * everything else that is wrong with the page is reported in `problems`.
 */
export function parsePage(text: string, options: ParseOptions): ParsedPage {
  const { file, categoryMap } = options
  const { fields, body } = parseFrontMatter(text, file)
  const title = fields.title ?? ''
  const pageSlug = fields.slug?.trim() || slugify(title)
  const tree = fromMarkdown(body)

  const definitions = new Map<string, string>()
  collectDefinitions(tree.children, definitions)
  const classify = (links: RawLink[]): ClassifiedLink[] =>
    links.map((link) => ({ ...link, target: classifyHref(link.href, pageSlug) }))

  const candidates: Candidate[] = []
  const headings: string[] = []

  const addItem = (item: ListItem, section: Section) => {
    const content = inlineContent(item.children, { definitions, skipLists: true })
    const links = classify(content.links)
    const primary = links.find((link) => link.target.kind === 'external' || link.target.kind === 'invalid')
    if (primary) {
      candidates.push({
        section,
        line: item.position?.start.line ?? 0,
        primary,
        links,
        description: content.text,
      })
    }
  }
  const visitLists = (node: Nodes, section: Section) => {
    if (node.type === 'code' || node.type === 'html') return
    if (node.type === 'list') {
      for (const item of (node as List).children) {
        addItem(item, section)
        for (const child of item.children) visitLists(child, section)
      }
      return
    }
    if ('children' in node) for (const child of node.children) visitLists(child as Nodes, section)
  }

  let section: Section = null
  for (const node of tree.children as RootContent[]) {
    if (node.type === 'heading' && (node as Heading).depth <= MAX_SECTION_DEPTH) {
      const heading = inlineContent([node]).text
      section = { heading, line: node.position?.start.line ?? 0 }
      headings.push(heading)
    } else if (section === null && (node.type === 'paragraph' || node.type === 'html')) {
      // The introduction: every external link in its prose is a core resource.
      const content = inlineContent([node], { definitions })
      const links = classify(content.links)
      for (const link of links) {
        if (link.target.kind !== 'external' && link.target.kind !== 'invalid') continue
        const internal = links.filter((other) => other.target.kind === 'internal')
        candidates.push({
          section,
          line: link.line,
          primary: link,
          links: [link, ...internal],
          description: content.text,
        })
      }
    } else {
      visitLists(node, section)
    }
  }

  const problems: Problem[] = []
  const resources: ResourceRecord[] = []
  const seen = new Set<string>()
  const tagNames = new Map<string, string>()
  const categories = new Map<string, CategoryRecord>()
  const intro = categoryMap?.intro ?? { slug: 'core', name: 'Core' }

  for (const candidate of candidates) {
    const category = candidate.section
      ? (categoryMap?.headings[candidate.section.heading] ?? {
          slug: slugify(candidate.section.heading) || `section-${candidate.section.line}`,
          name: candidate.section.heading,
        })
      : intro
    const { record, tags } = buildRecord(candidate, {
      pageSlug,
      category: category.slug,
      position: resources.length + 1,
    })
    const result = ResourceRecordSchema.safeParse(record)
    if (!result.success) {
      problems.push({ file, line: candidate.line, message: invalidMessage(record, result.error.issues) })
      continue
    }
    const key = normalizeUrl(result.data.url)
    // The same URL again (e.g. the logo repeating the docs link): the first occurrence wins.
    if (seen.has(key)) continue
    seen.add(key)
    resources.push(result.data)
    for (const [slug, name] of tags) if (!tagNames.has(slug)) tagNames.set(slug, name)
    const existing = categories.get(category.slug)
    if (existing) existing.count++
    else {
      categories.set(category.slug, {
        slug: category.slug,
        name: category.name,
        heading: candidate.section?.heading ?? null,
        position: categories.size + 1,
        count: 1,
      })
    }
  }

  if (resources.length === 0) problems.push({ file, line: 0, message: 'no resources found' })
  for (const heading of Object.keys(categoryMap?.headings ?? {})) {
    if (!headings.includes(heading)) {
      problems.push({
        file,
        line: 0,
        message: `category mapping names heading "${heading}", which is not on the page`,
      })
    }
  }

  const tags: TagRecord[] = [...tagNames]
    .map(([slug, name]) => ({ slug, name }))
    .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0))
  // Resources were validated one by one; this only guards the assembled shape.
  return ParsedPageSchema.parse({
    page: { file, slug: pageSlug, title },
    categories: [...categories.values()],
    resources,
    tags,
    problems,
  })
}

function collectDefinitions(nodes: readonly Nodes[], definitions: Map<string, string>): void {
  for (const node of nodes) {
    if (node.type === 'definition' && !definitions.has(node.identifier))
      definitions.set(node.identifier, node.url)
    else if ('children' in node) collectDefinitions(node.children as Nodes[], definitions)
  }
}

function buildRecord(
  candidate: Candidate,
  context: { pageSlug: string; category: string; position: number },
): { record: ResourceRecord; tags: Map<string, string> } {
  const { primary } = candidate
  const url =
    primary.target.kind === 'external' || primary.target.kind === 'invalid'
      ? primary.target.url
      : primary.href
  const links: Link[] = []
  const tags = new Map<string, string>()
  for (const link of candidate.links) {
    const { target } = link
    if (target.kind === 'internal') {
      links.push({ title: link.text, url: target.url })
      const slug = internalLinkTag(target.path)
      if (slug && slug !== context.pageSlug && !tags.has(slug)) {
        tags.set(slug, vocabularyName(slug) ?? titleCaseSlug(slug))
      }
    } else if (target.kind === 'external' || link === primary) {
      // An invalid primary link stays in so the record fails validation on it.
      links.push({ title: link.text, url: target.kind === 'ignored' ? link.href : target.url })
    }
  }
  for (const slug of vocabularyTags(`${primary.text}\n${candidate.description}`)) {
    if (slug !== context.pageSlug && !tags.has(slug))
      tags.set(slug, vocabularyName(slug) ?? titleCaseSlug(slug))
  }
  let host = ''
  try {
    host = bareHost(new URL(url).hostname)
  } catch {
    // Invalid URL: the record is rejected by validation on `url`.
  }
  const record: ResourceRecord = {
    id: resourceId(url),
    title: collapseWhitespace(primary.text),
    url,
    description: candidate.description,
    category: context.category,
    tags: [...tags.keys()].sort(),
    host,
    links,
    position: context.position,
    source: { page: context.pageSlug, section: candidate.section?.heading ?? null, line: candidate.line },
  }
  return { record, tags }
}

function invalidMessage(
  record: ResourceRecord,
  issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>,
): string {
  const urlInvalid = issues.some((issue) => issue.path[0] === 'url')
  const details = issues
    // An invalid primary URL also fails inside `links` and `host`: say it once.
    .filter((issue) => !(urlInvalid && (issue.path[0] === 'links' || issue.path[0] === 'host')))
    .map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`)
  return `invalid resource "${record.title}" (${record.url || 'no URL'}): ${details.join('; ')}`
}
