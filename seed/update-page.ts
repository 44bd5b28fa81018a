import { readFileSync } from 'node:fs'
import { isEntryPoint } from '../src/entry-point.js'
import { writeFileAtomic } from '../src/fs/atomic-write.js'
import { loadCategoryMap } from '../src/ingest/category-map.js'
import { PageFormatError, parsePage } from '../src/ingest/parse-page.js'
import { readPage } from '../src/ingest/read-page.js'
import type { ParsedPage } from '../src/ingest/record.js'
import {
  DEFAULT_UPSTREAM_URL,
  parseUpdatePageArgs,
  type UpdatePageOptions,
} from '../src/links/cli-options.js'
import { FetchPageError, fetchPageText } from '../src/links/fetch-page.js'
import { diffResources, formatDiff } from '../src/links/page-diff.js'
import { requestHeaders } from '../src/links/user-agent.js'

const USAGE = `usage: npm run update-page -- [--from URL] [--write] [--page FILE] [--timeout SECONDS]

Fetches the current Docker page from the fullstackpython.com repository, parses it and
prints what changed against the local page, resource by resource. Only --write
replaces the local page (atomically). Run it only where the real sites may be reached.

  --from URL          where to fetch the page (default: ${DEFAULT_UPSTREAM_URL})
  --page FILE         the local page to compare and replace (default seed/docker.markdown)
  --timeout SECONDS   deadline of one attempt (default 20)
  --write             replace the local page with the fetched one

Exit: 0 when it compared (and wrote, with --write), 1 when the answer was refused or the
fetch failed, 2 on bad usage or an unreadable local page.`

type Io = { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } }

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** Parses the fetched text as a page like the local one, or says why it is not one. */
function parseFetched(text: string, options: UpdatePageOptions, local: ParsedPage): ParsedPage | string {
  let page: ParsedPage
  try {
    page = parsePage(text, { file: options.from, categoryMap: loadCategoryMap(options.page) })
  } catch (error) {
    if (error instanceof PageFormatError)
      return `${options.from} is not a page of this format: ${error.message.replace(`${options.from}:`, 'line ')}`
    throw error
  }
  if (page.page.slug !== local.page.slug) {
    return `${options.from} is the page "${page.page.slug}", not "${local.page.slug}"`
  }
  if (page.resources.length === 0) return `${options.from} is not a page of this format: no resources found`
  return page
}

export async function runUpdatePage(argv: readonly string[], io: Io): Promise<number> {
  let options: UpdatePageOptions
  let local: ParsedPage
  try {
    options = parseUpdatePageArgs(argv)
    if (options.help) {
      io.stdout.write(`${USAGE}\n`)
      return 0
    }
    local = readPage(options.page)
  } catch (error) {
    io.stderr.write(`update-page: ${(error as Error).message.split('\n')[0]}\n`)
    return 2
  }

  let fetched: { text: string; finalUrl: string }
  try {
    fetched = await fetchPageText(options.from, { headers: requestHeaders(), timeoutMs: options.timeoutMs })
  } catch (error) {
    if (!(error instanceof FetchPageError)) throw error
    io.stderr.write(`update-page: ${error.message}\n`)
    return 1
  }
  const upstream = parseFetched(fetched.text, options, local)
  if (typeof upstream === 'string') {
    io.stderr.write(`update-page: refused: ${upstream}; nothing was written\n`)
    return 1
  }

  io.stdout.write(
    `${options.from}: ${plural(upstream.resources.length, 'resource')}; ${options.page}: ${plural(local.resources.length, 'resource')}\n`,
  )
  const diff = diffResources(local.resources, upstream.resources)
  io.stdout.write(formatDiff(diff))
  for (const problem of upstream.problems) {
    io.stdout.write(`problem in the fetched page: line ${problem.line}: ${problem.message}\n`)
  }

  const current = readFileSync(options.page, 'utf8')
  if (fetched.text === current) {
    io.stdout.write(`${options.page} is already the same as the upstream page.\n`)
    return 0
  }
  if (!options.write) {
    io.stdout.write(`Nothing was written; run again with --write to replace ${options.page}.\n`)
    return 0
  }
  if (upstream.problems.length > 0) {
    io.stderr.write(
      `update-page: refused: the fetched page has ${plural(upstream.problems.length, 'problem')} the seed would refuse; nothing was written\n`,
    )
    return 1
  }
  writeFileAtomic(options.page, fetched.text)
  io.stdout.write(`Wrote ${options.page}. Next: npm run check-links, review, then npm run seed.\n`)
  return 0
}

if (isEntryPoint(import.meta.url)) {
  runUpdatePage(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`update-page failed: ${(error as Error).stack ?? String(error)}\n`)
      process.exitCode = 1
    })
}
