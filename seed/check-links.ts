import { readFileSync } from 'node:fs'
import { isEntryPoint } from '../src/entry-point.js'
import { writeFileAtomic } from '../src/fs/atomic-write.js'
import { type LinkStatusEntry, readLinkStatusFile } from '../src/ingest/link-status.js'
import { readPage } from '../src/ingest/read-page.js'
import type { ParsedPage } from '../src/ingest/record.js'
import {
  entryAfterRewrite,
  type PlannedRewrite,
  planRewrites,
  rewritePage,
} from '../src/links/apply-redirects.js'
import { type CheckOptions, parseCheckArgs, UsageError } from '../src/links/cli-options.js'
import { ProgressPrinter, type ProgressStream } from '../src/links/progress.js'
import {
  countByStatus,
  formatReport,
  type ReportInput,
  reportLinks,
  summaryLines,
} from '../src/links/report.js'
import { type CheckRun, runCheck } from '../src/links/run-check.js'
import { StatusFileWriter } from '../src/links/status-file.js'
import { collectTargets, pageUrls } from '../src/links/targets.js'
import { requestHeaders } from '../src/links/user-agent.js'

const USAGE = `usage: npm run check-links -- [options]

Checks the links of the page and records what it finds in the status file, which is
reviewed and committed like the page. Run it only where the real sites may be reached.

  --page FILE            page to read (default seed/docker.markdown); may repeat
  --out FILE             status file to update (default seed/link-status.json)
  --timeout SECONDS      deadline of one attempt (default 20)
  --concurrency N        requests in flight in all (default 4; never two to one host)
  --host-interval MS     least pause between two requests to one host (default 500)
  --max-age DURATION     ok/redirected results younger than this are kept (default 24h; 0: ask all)
  --exclude REGEX        leave matching URLs unchecked; may repeat
  --all-links            check every link of every item, not only each resource's URL
  --no-archive           do not look up archived copies of dead links
  --report FORMAT        text (default), json or markdown, on stdout
  --fail-on STATUS,...   exit 1 when a link ends with one of these statuses
  --apply-redirects      rewrite permanent redirects in the page to their new URL

Environment: WAYBACK_URL (default https://web.archive.org) is where archived copies are looked up.
Exit: 0 when it ran, 1 when --fail-on matched, 2 on bad usage or an unreadable page or status file.`

export type CheckLinksIo = { stdout: ProgressStream; stderr: ProgressStream }

function readPages(files: readonly string[]): ParsedPage[] {
  return files.map((file) => {
    const page = readPage(file)
    if (page.resources.length === 0) throw new UsageError(`${file}: no resources found`)
    return page
  })
}

function applyRedirects(
  options: CheckOptions,
  run: CheckRun,
  writer: StatusFileWriter,
  out: ProgressStream,
): void {
  const entries = reportLinks(run).map(({ entry }) => entry)
  const { rewrites, skipped } = planRewrites(entries)
  if (rewrites.length === 0 && skipped.length === 0) {
    out.write('\nNo permanent redirects to apply.\n')
    return
  }
  const applied = new Set<PlannedRewrite>()
  for (const file of options.pages) {
    const result = rewritePage(readFileSync(file, 'utf8'), rewrites)
    if (result.changed.length === 0) continue
    writeFileAtomic(file, result.text)
    out.write(`\nRewrote ${result.changed.length} line(s) of ${file}:\n`)
    for (const line of result.changed) {
      out.write(`${file}:${line.line}: ${line.text}\n`)
      for (const rewrite of line.rewrites) {
        applied.add(rewrite)
        const id =
          rewrite.fromId === rewrite.toId
            ? `id unchanged: ${rewrite.toId}`
            : `new id ${rewrite.toId} (was ${rewrite.fromId}): ids come from URLs, so links to the old id break`
        out.write(`    ${rewrite.from} -> ${rewrite.to}\n    ${id}\n`)
      }
    }
  }
  for (const rewrite of rewrites) {
    if (!applied.has(rewrite))
      out.write(`Not found as written in the page, change it by hand: ${rewrite.from}\n`)
  }
  for (const skip of skipped) out.write(`Left as it is: ${skip.url} (${skip.reason})\n`)
  // The status file follows the page: the new URLs carry what was observed of them.
  const byUrl = new Map<string, LinkStatusEntry>(entries.map((entry) => [entry.url, entry]))
  for (const rewrite of applied) {
    const entry = byUrl.get(rewrite.from)
    if (entry) writer.rename(rewrite.from, entryAfterRewrite(entry, rewrite.to))
  }
  writer.retain(pageUrls(options.pages.map((file) => readPage(file))))
}

/** Runs the checker; returns the exit code. Never throws for bad input. */
export async function runCheckLinks(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CheckLinksIo,
  signal?: AbortSignal,
): Promise<number> {
  let options: CheckOptions
  let pages: ParsedPage[]
  let previous: LinkStatusEntry[] | undefined
  try {
    options = parseCheckArgs(argv, env)
    if (options.help) {
      io.stdout.write(`${USAGE}\n`)
      return 0
    }
    pages = readPages(options.pages)
    previous = readLinkStatusFile(options.out)
  } catch (error) {
    // Bad flags, an unreadable or malformed page, mapping or status file: one line, exit 2.
    if (error instanceof Error) {
      io.stderr.write(`check-links: ${error.message.split('\n')[0]}\n`)
      return 2
    }
    throw error
  }
  for (const page of pages) {
    for (const problem of page.problems) {
      io.stderr.write(`warning: ${problem.file}:${problem.line}: ${problem.message} (not checked)\n`)
    }
  }

  const writer = new StatusFileWriter(options.out, { previous: previous ?? [], pageUrls: pageUrls(pages) })
  const progress = new ProgressPrinter(io.stderr)
  const checkedAt = new Date()
  const run = await runCheck(collectTargets(pages, { allLinks: options.allLinks }), {
    statusFile: writer,
    headers: requestHeaders(),
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    hostIntervalMs: options.hostIntervalMs,
    maxAgeMs: options.maxAge.ms,
    excludes: options.excludes,
    archiveBaseUrl: options.archiveBaseUrl,
    onStart: (total) => progress.start(total),
    onResult: (result) => progress.result(result),
    onWarning: (message) => progress.warning(message),
    signal,
  })
  progress.finish()

  const report: ReportInput = {
    run,
    pages: options.pages,
    statusFile: options.out,
    checkedAt,
    maxAge: options.maxAge.text,
  }
  const info = options.report === 'text' ? io.stdout : io.stderr
  if (options.applyRedirects && !run.interrupted) applyRedirects(options, run, writer, info)
  writer.flush()

  io.stdout.write(formatReport(options.report, report))
  // The text report holds the summary; after JSON or Markdown on stdout, it goes to stderr.
  if (options.report !== 'text') io.stderr.write(`${summaryLines(report).join('\n')}\n`)
  io.stderr.write(`Wrote ${options.out} (${writer.all().length} entries).\n`)
  if (run.interrupted) {
    io.stderr.write(`check-links: interrupted; the ${run.asked} result(s) it had are in ${options.out}\n`)
    return signal?.reason === 'SIGTERM' ? 143 : 130
  }
  const counts = countByStatus(reportLinks(run))
  const found = options.failOn.flatMap((status) =>
    counts[status] > 0 ? [`${counts[status]} ${status}`] : [],
  )
  if (found.length > 0) {
    io.stderr.write(`check-links: found ${found.join(', ')} (--fail-on ${options.failOn.join(',')})\n`)
    return 1
  }
  return 0
}

if (isEntryPoint(import.meta.url)) {
  const controller = new AbortController()
  let signals = 0
  const stop = (signal: NodeJS.Signals) => {
    signals++
    // A second Ctrl-C does not wait for the status file.
    if (signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143)
    controller.abort(signal)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  runCheckLinks(
    process.argv.slice(2),
    process.env,
    { stdout: process.stdout, stderr: process.stderr },
    controller.signal,
  )
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`check-links failed: ${(error as Error).stack ?? String(error)}\n`)
      process.exitCode = 1
    })
}
