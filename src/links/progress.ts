import type { LinkStatus, LinkStatusEntry } from '../ingest/link-status.js'
import type { LinkResult } from './run-check.js'

// One line per link as it finishes: `[12/33] 404 broken      https://…`. On a terminal
// the lines are coloured and a progress bar stays on the last line; anywhere else
// (CI logs, a pipe) the lines are plain text and nothing is redrawn.

const COLOURS: Record<LinkStatus, string> = {
  ok: '\x1b[32m',
  redirected: '\x1b[33m',
  broken: '\x1b[31m',
  blocked: '\x1b[35m',
  unreachable: '\x1b[36m',
  unchecked: '\x1b[2m',
}
const RESET = '\x1b[0m'
const CLEAR_LINE = '\r\x1b[2K'
const BAR_WIDTH = 24

export type ProgressStream = { isTTY?: boolean; columns?: number; write(text: string): unknown }

/** The line printed for one finished link (without colour). */
export function progressLine(result: Pick<LinkResult, 'done' | 'total' | 'entry'>): string {
  const { done, total, entry } = result
  const width = String(total).length
  const counter = `[${String(done).padStart(width)}/${total}]`
  const code = entry.httpStatus === null ? '---' : String(entry.httpStatus)
  return `${counter} ${code} ${entry.status.padEnd(11)} ${entry.url}${detail(entry)}`
}

function detail(entry: LinkStatusEntry): string {
  if (entry.status === 'redirected' && entry.finalUrl) return ` -> ${entry.finalUrl}`
  if (entry.error) return ` - ${entry.error}`
  return ''
}

export class ProgressPrinter {
  private readonly stream: ProgressStream
  private readonly tty: boolean
  private barShown = false

  constructor(stream: ProgressStream) {
    this.stream = stream
    this.tty = stream.isTTY === true
  }

  start(total: number): void {
    if (this.tty && total > 0) this.bar(0, total)
  }

  result(result: LinkResult): void {
    const line = progressLine(result)
    if (!this.tty) {
      this.stream.write(`${line}\n`)
      return
    }
    this.stream.write(`${CLEAR_LINE}${COLOURS[result.entry.status]}${line}${RESET}\n`)
    if (result.done < result.total) this.bar(result.done, result.total)
    else this.barShown = false
  }

  warning(message: string): void {
    this.stream.write(`${this.barShown ? CLEAR_LINE : ''}warning: ${message}\n`)
    this.barShown = false
  }

  /** Removes the bar before the summary is printed. */
  finish(): void {
    if (this.barShown) this.stream.write(CLEAR_LINE)
    this.barShown = false
  }

  private bar(done: number, total: number): void {
    const filled = Math.round((done / total) * BAR_WIDTH)
    this.stream.write(
      `${CLEAR_LINE}[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} checked`,
    )
    this.barShown = true
  }
}
