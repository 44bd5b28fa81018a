import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { removeStaleTempFiles, writeFileAtomic } from '../fs/atomic-write.js'
import { type LinkStatusEntry, LinkStatusEntrySchema, uncheckedEntry } from '../ingest/link-status.js'
import type { ProbeResult } from './probe.js'

// The status file (seed/link-status.json): one entry per URL, sorted by URL, two-space
// JSON, reviewed in diffs like the page. Results are merged into the previous file
// entry by entry, and the file is rewritten as the run goes, so a run that stops
// part-way keeps everything it had already learnt.

const FAILED = new Set(['broken', 'blocked', 'unreachable'])

/** The new entry for a URL that was asked this run. */
export function entryFromProbe(
  url: string,
  probe: ProbeResult,
  previous: LinkStatusEntry | undefined,
  context: { checkedAt: Date; archiveUrl: string | null | undefined },
): LinkStatusEntry {
  const failed = FAILED.has(probe.status)
  const failuresBefore = previous && FAILED.has(previous.status) ? previous.consecutiveFailures : 0
  const archivable = probe.status === 'broken' || probe.status === 'blocked'
  // A lookup that was not made (--no-archive) or failed keeps the copy found before.
  const archiveUrl = archivable
    ? context.archiveUrl === undefined
      ? (previous?.archiveUrl ?? null)
      : context.archiveUrl
    : null
  return LinkStatusEntrySchema.parse({
    url,
    status: probe.status,
    httpStatus: probe.httpStatus,
    finalUrl: probe.finalUrl,
    redirects: probe.redirects,
    permanent: probe.permanent,
    error: probe.error,
    suspectSoft404: probe.suspectSoft404,
    archiveUrl,
    checkedAt: context.checkedAt.toISOString(),
    consecutiveFailures: failed ? failuresBefore + 1 : 0,
  })
}

/** Whether an entry is recent enough not to be asked again (only `ok` and `redirected` ever are). */
export function isFresh(entry: LinkStatusEntry | undefined, now: Date, maxAgeMs: number): boolean {
  if (!entry || (entry.status !== 'ok' && entry.status !== 'redirected') || entry.checkedAt === null)
    return false
  return now.getTime() - Date.parse(entry.checkedAt) < maxAgeMs
}

function byUrl(a: LinkStatusEntry, b: LinkStatusEntry): number {
  return a.url < b.url ? -1 : a.url > b.url ? 1 : 0
}

export function serializeEntries(entries: Iterable<LinkStatusEntry>): string {
  return `${JSON.stringify([...entries].sort(byUrl), null, 2)}\n`
}

/**
 * The status file of one run: starts from the previous entries of the URLs still on
 * the pages (the others are dropped), takes each result as it comes and writes the
 * whole file atomically, at most once per `intervalMs` while the run goes on.
 */
export class StatusFileWriter {
  readonly path: string
  private readonly entries = new Map<string, LinkStatusEntry>()
  private readonly intervalMs: number
  private lastWrite = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | undefined
  private dirty = false

  constructor(
    path: string,
    options: { previous: readonly LinkStatusEntry[]; pageUrls: ReadonlySet<string>; intervalMs?: number },
  ) {
    this.path = path
    this.intervalMs = options.intervalMs ?? 1000
    for (const entry of options.previous)
      if (options.pageUrls.has(entry.url)) this.entries.set(entry.url, entry)
    // Entries of URLs gone from the pages are dropped even by a run that asks nothing.
    this.dirty = this.entries.size !== options.previous.length
    mkdirSync(dirname(path), { recursive: true })
    removeStaleTempFiles(path)
  }

  get(url: string): LinkStatusEntry | undefined {
    return this.entries.get(url)
  }

  all(): LinkStatusEntry[] {
    return [...this.entries.values()].sort(byUrl)
  }

  /** Marks an excluded URL `unchecked` (its earlier results no longer apply). */
  exclude(url: string): void {
    this.set(uncheckedEntry(url))
  }

  set(entry: LinkStatusEntry): void {
    this.entries.set(entry.url, entry)
    this.dirty = true
    const wait = this.lastWrite + this.intervalMs - Date.now()
    if (wait <= 0) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), wait)
  }

  /** Replaces the entry of one URL by that of another (an applied redirect). */
  rename(from: string, to: LinkStatusEntry): void {
    this.entries.delete(from)
    this.set(to)
  }

  /** Keeps only the URLs still on the pages (after the pages were rewritten). */
  retain(pageUrls: ReadonlySet<string>): void {
    for (const url of this.entries.keys()) {
      if (!pageUrls.has(url)) {
        this.entries.delete(url)
        this.dirty = true
      }
    }
  }

  /** Writes now if anything changed since the last write. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (!this.dirty) return
    writeFileAtomic(this.path, serializeEntries(this.entries.values()))
    this.dirty = false
    this.lastWrite = Date.now()
  }
}
