import { LINK_STATUSES, type LinkStatus, type LinkStatusEntry } from '../ingest/link-status.js'
import type { CheckRun } from './run-check.js'
import type { LinkTarget } from './targets.js'

// What a run prints when it ends: a summary by status, then (text) the links that need
// a look, or the whole result as JSON, or a Markdown table a curator pastes into an
// issue.

export type ReportFormat = 'text' | 'json' | 'markdown'
export type ReportLink = { target: LinkTarget; entry: LinkStatusEntry; asked: boolean }

export type ReportInput = {
  run: CheckRun
  pages: readonly string[]
  statusFile: string
  checkedAt: Date
  maxAge: string
}

export function countByStatus(links: readonly ReportLink[]): Record<LinkStatus, number> {
  const counts = Object.fromEntries(LINK_STATUSES.map((status) => [status, 0])) as Record<LinkStatus, number>
  for (const { entry } of links) counts[entry.status]++
  return counts
}

/** The targets with an entry (an interrupted run has some without). */
export function reportLinks(run: CheckRun): ReportLink[] {
  return run.links.flatMap(({ target, entry, asked }) => (entry ? [{ target, entry, asked }] : []))
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** "12.3 s", "850 ms". */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

export function summaryLines(input: ReportInput): string[] {
  const { run } = input
  const links = reportLinks(run)
  const counts = countByStatus(links)
  const permanent = links.filter(({ entry }) => entry.permanent && entry.status === 'redirected').length
  const notAsked = [
    run.fresh > 0 ? `${run.fresh} checked within ${input.maxAge} not asked again` : '',
    run.excluded > 0 ? `${run.excluded} excluded` : '',
  ].filter(Boolean)
  const lines = [
    `${run.interrupted ? 'Interrupted after' : 'Checked'} ${plural(run.links.length, 'link')} on ${input.pages.join(', ')} in ${duration(run.durationMs)}: ${run.asked} asked${notAsked.length ? `, ${notAsked.join(', ')}` : ''}.`,
  ]
  for (const status of LINK_STATUSES) {
    const note =
      status === 'redirected' && permanent > 0
        ? `  (${permanent} permanent: see --apply-redirects)`
        : status === 'unreachable' && counts.unreachable > 0
          ? '  (may pass by itself: see consecutiveFailures)'
          : ''
    lines.push(`  ${status.padEnd(12)}${String(counts[status]).padStart(4)}${note}`)
  }
  return lines
}

/** Where a curator should look next: the new address of a redirect, the archived copy of a dead link. */
function suggestion(entry: LinkStatusEntry): string {
  const first = entry.redirects[0]
  if (entry.status === 'redirected' && entry.finalUrl && first) {
    return `moved to ${entry.finalUrl} (${first.status}${entry.permanent ? ', permanent' : ''})`
  }
  if (entry.archiveUrl) return `archived copy: ${entry.archiveUrl}`
  return ''
}

function attention(links: readonly ReportLink[]): ReportLink[] {
  return links.filter(({ entry }) => entry.status !== 'ok' || entry.suspectSoft404)
}

export function textReport(input: ReportInput): string {
  const lines = summaryLines(input)
  const needing = attention(reportLinks(input.run))
  if (needing.length > 0) {
    lines.push('', 'Needs a look:')
    for (const { target, entry } of needing) {
      const details = [
        entry.error ?? '',
        entry.suspectSoft404 ? 'looks like a soft 404' : '',
        suggestion(entry),
      ].filter((part) => part !== '')
      lines.push(`  ${target.page}:${target.line}  ${entry.status.padEnd(11)} ${target.url}`)
      lines.push(`      ${details.join('; ')}`)
    }
  }
  return `${lines.join('\n')}\n`
}

export function jsonReport(input: ReportInput): string {
  const links = reportLinks(input.run)
  const result = {
    checkedAt: input.checkedAt.toISOString(),
    pages: input.pages,
    statusFile: input.statusFile,
    interrupted: input.run.interrupted,
    summary: countByStatus(links),
    asked: input.run.asked,
    fresh: input.run.fresh,
    excluded: input.run.excluded,
    links: links.map(({ target, entry, asked }) => ({
      page: target.page,
      line: target.line,
      title: target.title,
      resourceId: target.resourceId,
      primary: target.primary,
      asked,
      ...entry,
    })),
  }
  return `${JSON.stringify(result, null, 2)}\n`
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim()
}

export function markdownReport(input: ReportInput): string {
  const links = reportLinks(input.run)
  const counts = countByStatus(links)
  const summary = LINK_STATUSES.filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status}`)
    .join(', ')
  const lines = [
    `**Link check** of ${input.pages.map((page) => `\`${page}\``).join(', ')}, ${input.checkedAt.toISOString()}: ${plural(links.length, 'link')}: ${summary || 'none'}.`,
    '',
  ]
  const notOk = links.filter(({ entry }) => entry.status !== 'ok')
  if (notOk.length === 0) {
    lines.push('Every link is ok.')
    return `${lines.join('\n')}\n`
  }
  lines.push(
    '| Line | Title | Status | HTTP | Final URL or archived copy |',
    '| --- | --- | --- | --- | --- |',
  )
  for (const { target, entry } of notOk) {
    const status = entry.permanent && entry.status === 'redirected' ? 'redirected (permanent)' : entry.status
    const note = [suggestion(entry), entry.suspectSoft404 ? 'looks like a soft 404' : '', entry.error ?? '']
      .filter(Boolean)
      .join('; ')
    lines.push(
      `| ${cell(`${target.page}:${target.line}`)} | [${cell(target.title).replace(/[[\]]/g, '\\$&')}](<${target.url}>) | ${status} | ${entry.httpStatus ?? ''} | ${cell(note)} |`,
    )
  }
  return `${lines.join('\n')}\n`
}

export function formatReport(format: ReportFormat, input: ReportInput): string {
  if (format === 'json') return jsonReport(input)
  if (format === 'markdown') return markdownReport(input)
  return textReport(input)
}
