import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { arrayElementLines, syntaxErrorLine } from './json-lines.js'
import { HttpUrlSchema } from './record.js'

// The link-health data file (seed/link-status.json): written by `npm run
// check-links`, reviewed and committed like the page, read by the seed. One entry
// per checked URL, sorted by URL. This schema is the contract between the checker
// and the seed; the API's `link` object is derived from the same fields.

export const LINK_STATUSES = ['ok', 'redirected', 'broken', 'blocked', 'unreachable', 'unchecked'] as const
export const LinkStatusSchema = z.enum(LINK_STATUSES)
export type LinkStatus = z.infer<typeof LinkStatusSchema>

export const RedirectHopSchema = z
  .object({
    status: z.number().int().min(300).max(399).describe('The redirect status of this hop'),
    url: z.string().describe('Where the hop pointed (its Location, made absolute)'),
  })
  .strict()
export type RedirectHop = z.infer<typeof RedirectHopSchema>

export const LinkStatusEntrySchema = z
  .object({
    url: HttpUrlSchema.describe('The URL as written on the page'),
    status: LinkStatusSchema,
    httpStatus: z.number().int().min(100).max(999).nullable().describe('The last HTTP status received'),
    finalUrl: z.string().nullable().describe('Where the redirects ended; null without redirects'),
    redirects: z.array(RedirectHopSchema),
    permanent: z.boolean().describe('Any hop was a 301 or 308'),
    error: z.string().nullable().describe('What failed, for broken, blocked and unreachable links'),
    suspectSoft404: z.boolean().describe('The page looks like a "not found" page served with a 2xx'),
    archiveUrl: z.string().nullable().describe('The nearest Wayback Machine snapshot of a dead link'),
    checkedAt: z.iso.datetime({ offset: true }).nullable().describe('When it was last checked'),
    consecutiveFailures: z.number().int().nonnegative().describe('Runs in a row that failed'),
  })
  .strict()
export type LinkStatusEntry = z.infer<typeof LinkStatusEntrySchema>

export const LinkStatusFileSchema = z.array(LinkStatusEntrySchema)

/** What a resource that has no entry (never checked, or excluded) carries. */
export function uncheckedEntry(url: string): LinkStatusEntry {
  return {
    url,
    status: 'unchecked',
    httpStatus: null,
    finalUrl: null,
    redirects: [],
    permanent: false,
    error: null,
    suspectSoft404: false,
    archiveUrl: null,
    checkedAt: null,
    consecutiveFailures: 0,
  }
}

/** A link-status file that cannot be used: names the file, the line when known, and what is wrong. */
export class LinkStatusFileError extends Error {
  readonly file: string
  readonly line: number | undefined

  constructor(file: string, reason: string, line?: number) {
    super(`${file}${line === undefined ? '' : `:${line}`}: invalid link status file: ${reason}`)
    this.name = 'LinkStatusFileError'
    this.file = file
    this.line = line
  }
}

/**
 * Reads and validates a link-status file. Returns undefined when the file does not
 * exist (nothing checked yet); throws LinkStatusFileError for anything unreadable,
 * malformed, of an unknown status, or listing a URL twice.
 */
export function readLinkStatusFile(file: string): LinkStatusEntry[] | undefined {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new LinkStatusFileError(file, (error as Error).message)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new LinkStatusFileError(
      file,
      `not JSON: ${(error as Error).message}`,
      syntaxErrorLine(text, error as Error),
    )
  }
  const lineOf = (index: number) => arrayElementLines(text)[index]
  const result = LinkStatusFileSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]
    const [index, ...field] = issue?.path ?? []
    const entry = typeof index === 'number' ? (json as { url?: unknown }[])[index] : undefined
    const where =
      typeof index === 'number'
        ? `entry ${index + 1}${typeof entry?.url === 'string' ? ` (${entry.url})` : ''}${field.length ? `: ${field.join('.')}` : ''}`
        : 'the file must be a JSON array of entries'
    throw new LinkStatusFileError(
      file,
      `${where}: ${issue?.message ?? 'invalid'}`,
      typeof index === 'number' ? lineOf(index) : 1,
    )
  }
  const seen = new Map<string, number>()
  for (const [index, entry] of result.data.entries()) {
    const first = seen.get(entry.url)
    if (first !== undefined) {
      throw new LinkStatusFileError(
        file,
        `entry ${index + 1}: ${entry.url} is listed twice (first as entry ${first + 1}, line ${lineOf(first)})`,
        lineOf(index),
      )
    }
    seen.set(entry.url, index)
  }
  return result.data
}
