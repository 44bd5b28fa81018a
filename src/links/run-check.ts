import { performance } from 'node:perf_hooks'
import type { LinkStatusEntry } from '../ingest/link-status.js'
import { HostScheduler } from './host-scheduler.js'
import { createHttpClient, type Transport } from './http-client.js'
import { type ProbeContext, probeLink } from './probe.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js'
import { entryFromProbe, isFresh, type StatusFileWriter } from './status-file.js'
import type { LinkTarget } from './targets.js'
import { findArchivedCopy } from './wayback.js'

// A whole run: decides which links to ask (not the excluded ones, not the ones
// checked recently enough), asks them all through one polite scheduler, looks up an
// archived copy of the dead ones, and hands each entry to the status file and the
// progress output as soon as it is known.

export type RunCheckOptions = {
  statusFile: StatusFileWriter
  /** Request headers: User-Agent, Accept, Accept-Language. */
  headers: Readonly<Record<string, string>>
  timeoutMs: number
  concurrency: number
  hostIntervalMs: number
  /** `ok` and `redirected` entries younger than this are not asked again. */
  maxAgeMs: number
  excludes: readonly RegExp[]
  /** The Wayback Machine's base URL; null skips the lookup (--no-archive). */
  archiveBaseUrl: string | null
  retry?: RetryPolicy
  transport?: Transport
  now?: () => Date
  /** Called once the links to ask are known. */
  onStart?: (toAsk: number) => void
  onResult?: (result: LinkResult) => void
  onWarning?: (message: string) => void
  signal?: AbortSignal
}

export type LinkResult = {
  /** 1-based, in the order results arrive, among the links asked this run. */
  done: number
  total: number
  target: LinkTarget
  entry: LinkStatusEntry
}

export type CheckRun = {
  /** Every target with its entry after the run (asked, fresh or excluded); null when interrupted before it was asked. */
  links: Array<{ target: LinkTarget; entry: LinkStatusEntry | null; asked: boolean }>
  asked: number
  fresh: number
  excluded: number
  interrupted: boolean
  durationMs: number
  /** The most requests the scheduler had in flight at once. */
  maxInFlight: number
}

export async function runCheck(targets: readonly LinkTarget[], options: RunCheckOptions): Promise<CheckRun> {
  const started = performance.now()
  const now = options.now ?? (() => new Date())
  const { statusFile } = options
  const toAsk: LinkTarget[] = []
  let fresh = 0
  let excluded = 0
  for (const target of targets) {
    if (options.excludes.some((pattern) => pattern.test(target.url))) {
      statusFile.exclude(target.url)
      excluded++
    } else if (isFresh(statusFile.get(target.url), now(), options.maxAgeMs)) {
      fresh++
    } else {
      toAsk.push(target)
    }
  }

  options.onStart?.(toAsk.length)
  const client = createHttpClient({ headers: options.headers, transport: options.transport })
  const scheduler = new HostScheduler({
    concurrency: options.concurrency,
    hostIntervalMs: options.hostIntervalMs,
  })
  const interrupt = () => {
    scheduler.close(new Error('interrupted'))
    void client.destroy().catch(() => undefined)
  }
  options.signal?.addEventListener('abort', interrupt, { once: true })
  const asked = new Set<string>()
  let done = 0

  const check = async (target: LinkTarget, index: number) => {
    const context: ProbeContext = {
      client,
      scheduler,
      retry: options.retry ?? DEFAULT_RETRY_POLICY,
      timeoutMs: options.timeoutMs,
      priority: index,
      signal: options.signal,
    }
    const checkedAt = now()
    const probe = await probeLink(target.url, context)
    let archiveUrl: string | null | undefined
    if (options.archiveBaseUrl !== null && (probe.status === 'broken' || probe.status === 'blocked')) {
      try {
        archiveUrl = await findArchivedCopy(options.archiveBaseUrl, target.url, context)
      } catch (error) {
        options.signal?.throwIfAborted()
        options.onWarning?.(`${target.url}: ${(error as Error).message}`)
      }
    }
    const entry = entryFromProbe(target.url, probe, statusFile.get(target.url), { checkedAt, archiveUrl })
    statusFile.set(entry)
    asked.add(target.url)
    done++
    options.onResult?.({ done, total: toAsk.length, target, entry })
  }

  try {
    const settled = await Promise.allSettled(toAsk.map((target, index) => check(target, index)))
    const failure = settled.find((outcome) => outcome.status === 'rejected')
    if (failure && !options.signal?.aborted) throw (failure as PromiseRejectedResult).reason
  } finally {
    options.signal?.removeEventListener('abort', interrupt)
    scheduler.close()
    await client.close().catch(() => undefined)
  }

  return {
    links: targets.map((target) => ({
      target,
      entry: statusFile.get(target.url) ?? null,
      asked: asked.has(target.url),
    })),
    asked: asked.size,
    fresh,
    excluded,
    interrupted: options.signal?.aborted ?? false,
    durationMs: performance.now() - started,
    maxInFlight: scheduler.stats.maxInFlight,
  }
}
