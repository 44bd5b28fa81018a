import { mulberry32 } from '../scripts/tools.js'
import type { Dataset } from '../src/ingest/assemble-dataset.js'
import { assembleDataset } from '../src/ingest/assemble-dataset.js'
import { type LinkStatus, type LinkStatusEntry, uncheckedEntry } from '../src/ingest/link-status.js'
import { readPage } from '../src/ingest/read-page.js'
import type { ResourceRecord } from '../src/ingest/record.js'
import { defaultSeedPage } from '../src/paths.js'

// A synthetic catalog of any size for the growth benchmark, never committed: its
// words, tags and categories come from the real Docker page, drawn with a skewed
// (Zipf-like) distribution so a few words are very common (as "docker" is) and
// most are rare, the way real text behaves. Deterministic for a given size.

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'ti',
  'vo',
  'ze',
  'po',
  'qua',
  'dri',
  'fen',
  'gor',
  'hul',
]

/** The real page's words (3+ letters), most frequent first. */
export function realWords(real: Dataset = assembleDataset([readPage(defaultSeedPage)])): string[] {
  const counts = new Map<string, number>()
  for (const resource of real.resources) {
    for (const word of `${resource.title} ${resource.description}`.toLowerCase().match(/[a-z]{3,}/g) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1)
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([word]) => word)
}

/** The real page's words by frequency, then made-up words for a long tail of rare ones. */
function vocabulary(real: Dataset, next: () => number): string[] {
  const words = realWords(real)
  const known = new Set(words)
  const invented = new Set<string>()
  while (invented.size < 20_000) {
    let word = ''
    const length = 2 + Math.floor(next() * 3)
    for (let i = 0; i < length; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)]
    if (!known.has(word)) invented.add(word)
  }
  return [...words, ...invented]
}

// Link health in the proportions a checked catalog has: mostly fine, a few of
// every other status, so link= and the link facet have something to count.
const LINK_MIX: [LinkStatus, number][] = [
  ['ok', 0.8],
  ['redirected', 0.08],
  ['broken', 0.04],
  ['blocked', 0.02],
  ['unreachable', 0.02],
  ['unchecked', 0.04],
]

function linkEntry(url: string, draw: number, day: number): LinkStatusEntry {
  let status: LinkStatus = 'unchecked'
  for (const [candidate, share] of LINK_MIX) {
    status = candidate
    if (draw < share) break
    draw -= share
  }
  if (status === 'unchecked') return uncheckedEntry(url)
  const failed = status === 'broken' || status === 'blocked' || status === 'unreachable'
  return {
    ...uncheckedEntry(url),
    status,
    httpStatus: status === 'unreachable' ? null : failed ? (status === 'blocked' ? 403 : 404) : 200,
    finalUrl: status === 'redirected' ? `${url}/` : null,
    permanent: status === 'redirected',
    error: failed ? status : null,
    checkedAt: new Date(Date.UTC(2025, 0, 1 + day)).toISOString(),
    consecutiveFailures: failed ? 1 + (day % 3) : 0,
  }
}

export function syntheticDataset(size: number): Dataset {
  const real = assembleDataset([readPage(defaultSeedPage)])
  const next = mulberry32(size)
  const words = vocabulary(real, next)
  // Rank r is drawn with probability ~ 1/r: u^k over the vocabulary skews to the front.
  const word = () => words[Math.floor(words.length * next() ** 4)] ?? 'docker'
  const phrase = (min: number, max: number) =>
    Array.from({ length: min + Math.floor(next() * (max - min + 1)) }, word).join(' ')
  const hosts = Array.from({ length: 2000 }, (_, i) => `site${i}.example.com`)
  const categoryCounts = new Map<string, number>()
  const tagCounts = new Map<string, number>()
  const resources: ResourceRecord[] = []
  // A generator of its own, so the rest of the catalog is what it was without links.
  const nextLink = mulberry32(size + 1)
  const linkStatus = new Map<string, LinkStatusEntry>()
  for (let i = 0; i < size; i++) {
    const template = real.resources[i % real.resources.length] as ResourceRecord
    const category = real.categories[Math.floor(next() ** 1.5 * real.categories.length)]?.slug ?? 'general'
    const tags = [
      ...new Set(
        Array.from(
          { length: Math.floor(next() * 4) },
          () => real.tags[Math.floor(next() ** 2 * real.tags.length)]?.slug ?? 'docker',
        ),
      ),
    ].sort()
    const host = hosts[Math.floor(next() ** 2 * hosts.length)] ?? 'example.com'
    const title = `${phrase(2, 6)} ${template.title}`.slice(0, 200)
    const url = `https://${host}/r/${i}`
    linkStatus.set(url, linkEntry(url, nextLink(), i % 60))
    categoryCounts.set(category, (categoryCounts.get(category) ?? 0) + 1)
    for (const tag of tags) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1)
    resources.push({
      id: `s${i}`,
      title,
      url,
      description: `${phrase(12, 40)}.`,
      category,
      tags,
      host,
      links: [{ title, url }, ...template.links.slice(1, 3)],
      position: i + 1,
      source: { page: 'synthetic', section: category, line: i + 1 },
    })
  }
  return {
    categories: real.categories.map((category) => ({
      ...category,
      count: categoryCounts.get(category.slug) ?? 0,
    })),
    tags: real.tags
      .filter((tag) => tagCounts.has(tag.slug))
      .map((tag) => ({ ...tag, count: tagCounts.get(tag.slug) ?? 0 })),
    resources,
    problems: [],
    warnings: [],
    linkStatus,
  }
}
