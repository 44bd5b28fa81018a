import { z } from 'zod'
import { SlugSchema } from './record.js'
import vocabularyJson from './tag-vocabulary.json' with { type: 'json' }

// Well-known technologies that become tags when a resource's title or description names
// them. The list is data (tag-vocabulary.json); this module only compiles and matches it.
const VocabularySchema = z.array(
  z
    .object({
      slug: SlugSchema,
      name: z.string().min(1),
      phrases: z.array(z.string().min(1)).min(1),
      caseSensitive: z.boolean().optional(),
    })
    .strict(),
)
export type VocabularyEntry = z.infer<typeof VocabularySchema>[number]

export const vocabulary: VocabularyEntry[] = VocabularySchema.parse(vocabularyJson)
const namesBySlug = new Map(vocabulary.map((entry) => [entry.slug, entry.name]))

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

// Longest phrases first, so "Docker Compose" claims its words before "Docker" can.
const matchers = vocabulary
  .flatMap((entry) =>
    entry.phrases.map((phrase) => ({
      slug: entry.slug,
      length: phrase.length,
      // Word boundaries that understand `_` and non-ASCII letters: "pip" never matches inside "pipeline".
      pattern: new RegExp(
        `(?<![\\p{L}\\p{N}_])${escapeRegExp(phrase).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}_])`,
        entry.caseSensitive ? 'gu' : 'giu',
      ),
    })),
  )
  .sort((a, b) => b.length - a.length)

/** Slugs of the vocabulary technologies named in `text`. */
export function vocabularyTags(text: string): Set<string> {
  const claimed: Array<[number, number]> = []
  const found = new Set<string>()
  for (const matcher of matchers) {
    for (const match of text.matchAll(matcher.pattern)) {
      const start = match.index
      const end = start + match[0].length
      if (claimed.some(([from, to]) => start < to && end > from)) continue
      claimed.push([start, end])
      found.add(matcher.slug)
    }
  }
  return found
}

/** The tag an internal link gives: `/django.html` -> `django`; other site paths give none. */
export function internalLinkTag(path: string): string | undefined {
  const match = /^\/([^/]+)\.html$/.exec(path)
  if (!match?.[1]) return undefined
  const slug = match[1]
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return SlugSchema.safeParse(slug).success ? slug : undefined
}

/** Display name of a tag: the vocabulary's name, else undefined (the caller decides). */
export function vocabularyName(slug: string): string | undefined {
  return namesBySlug.get(slug)
}
