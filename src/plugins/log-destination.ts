import { writeSync } from 'node:fs'

// Where pino's lines go: a file descriptor (stdout in production), written in
// batches. A line is kept in memory until the end of the event loop's current turn
// (or until its 64 KB buffer is full) and then written together with the others
// of that turn in one synchronous write(2): under load, one system call carries the
// lines of every request the turn answered, where writing each at once cost one
// call per request (~16% of a small cached answer).
//
// A line is encoded into a fixed buffer outside the JavaScript heap as soon as it
// comes, so its string dies young. Held as strings until the end of the turn, the
// lines were most of what each scavenge found alive (49 KB against 11 KB without
// them), and V8 answers that by doubling the young generation (8 to 16 MB a
// semi-space) within seconds of load: each scavenge paused twice as long (0.48
// against 0.24 ms). docs/performance.md has what that did and did not change.
//
// Nothing waits in a queue that can grow: pino's asynchronous destination, whose
// pending writes piled up without bound under load (RELIABILITY.md, failure 8), is
// not used. Writes are synchronous, so a full pipe normally just makes write(2)
// wait. Only a descriptor that refuses to wait (non-blocking, EAGAIN) leaves lines
// unwritten: they are retried shortly, held up to MAX_PENDING_BYTES, and any line
// beyond that is dropped and counted, never silently: the count is reported by
// `onDropped` (app.ts logs it as a warning once lines flow again) and by the
// metrics (log_lines_dropped_total). On exit every pending line is written.

export type LogDestinationOptions = {
  /** Most bytes held while the descriptor refuses writes; beyond it lines are dropped and counted. */
  maxPendingBytes?: number
  /** The buffer lines are encoded into: when the next line may not fit, it is written at once, without waiting for the turn to end. */
  bufferBytes?: number
  /** Called after a write succeeds again, with the number of lines dropped since the last call. */
  onDropped?: (lines: number) => void
}

export type LogDestinationStats = { written: number; dropped: number; pendingBytes: number }

const RETRY_MS = 10
/** How long a flush on exit keeps retrying a descriptor that refuses writes. */
const EXIT_RETRY_MS = 2_000

export class LogDestination {
  /** The lines of this turn, encoded; staged is how many bytes of it are used. */
  private readonly staging: Buffer
  private staged = 0
  /** Lines kept as strings: while the descriptor refuses writes, or longer than staging holds. */
  private pending: string[] = []
  /** The bytes of a write cut short. */
  private remainder: Buffer | null = null
  private pendingBytes = 0
  private unwrittenLines = 0
  private scheduled = false
  private retrying = false
  private written = 0
  private dropped = 0
  private droppedUnreported = 0
  private readonly maxPendingBytes: number
  private readonly flushOnExit = () => this.flushSync()

  constructor(
    private readonly fd: number,
    private readonly options: LogDestinationOptions = {},
  ) {
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * 1024 * 1024
    this.staging = Buffer.allocUnsafeSlow(options.bufferBytes ?? 64 * 1024)
    // close-with-grace ends the process with process.exit(): the lines of the last
    // turn are written here.
    process.on('exit', this.flushOnExit)
  }

  /** pino's destination interface: one serialized line, newline included. */
  write(line: string): void {
    // String length, not bytes: cheap, and a bound within a factor of 3 is a bound.
    if (this.pendingBytes + line.length > this.maxPendingBytes) {
      this.dropped++
      this.droppedUnreported++
      return
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = line.length * 3
    if (!this.retrying && most > this.staging.length - this.staged) this.writePending()
    this.unwrittenLines++
    this.pendingBytes += line.length
    if (this.retrying || most > this.staging.length) {
      this.pending.push(line)
      if (!this.retrying) this.writePending()
      return
    }
    this.staged += this.staging.write(line, this.staged)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.endOfTurn)
    }
  }

  private readonly endOfTurn = () => {
    this.scheduled = false
    this.writePending()
  }

  private readonly retry = () => {
    this.retrying = false
    this.writePending()
  }

  /** Writes what is staged or pending in one call; on EAGAIN keeps the rest and tries again shortly. */
  private writePending(): void {
    if (this.unwrittenLines === 0) return
    let data: Buffer
    // Lines are staged only while writes go through, so staged bytes never sit
    // behind a remainder or pending strings: those exist only while retrying.
    if (this.staged > 0) {
      data = this.staging.subarray(0, this.staged)
      this.staged = 0
    } else if (this.pending.length === 0) data = this.remainder as Buffer
    else {
      const fresh = Buffer.from(
        this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join(''),
      )
      data = this.remainder ? Buffer.concat([this.remainder, fresh]) : fresh
      this.pending = []
    }
    let offset = 0
    try {
      while (offset < data.length) offset += writeSync(this.fd, data, offset)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        // The reader is behind and the descriptor will not wait for it.
        this.countWritten(data, offset)
        this.remainder = Buffer.from(data.subarray(offset))
        this.pendingBytes = this.remainder.length
        this.retrying = true
        setTimeout(this.retry, RETRY_MS).unref()
        return
      }
      // The reader is gone (EPIPE, a closed descriptor): serving goes on, and what
      // could not be written is counted as dropped.
      this.countWritten(data, offset)
      this.dropped += this.unwrittenLines
      this.unwrittenLines = 0
    }
    this.written += this.unwrittenLines
    this.remainder = null
    this.pendingBytes = 0
    this.unwrittenLines = 0
    if (this.droppedUnreported > 0) {
      const count = this.droppedUnreported
      this.droppedUnreported = 0
      this.options.onDropped?.(count)
    }
  }

  /** Counts the lines whose last byte is within data[0, end). */
  private countWritten(data: Buffer, end: number): void {
    let lines = 0
    for (let at = data.indexOf(10); at !== -1 && at < end; at = data.indexOf(10, at + 1)) lines++
    this.written += lines
    this.unwrittenLines -= lines
  }

  /** Writes everything pending now (shutdown, exit); retries a refusing descriptor for up to 2 s. */
  flushSync(): void {
    const deadline = performance.now() + EXIT_RETRY_MS
    this.retrying = false
    this.writePending()
    while (this.unwrittenLines > 0 && performance.now() < deadline) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS)
      this.retrying = false
      this.writePending()
    }
    if (this.unwrittenLines > 0) {
      const lines = this.unwrittenLines
      this.dropped += lines
      this.unwrittenLines = 0
      this.pending = []
      this.remainder = null
      this.pendingBytes = 0
      process.stderr.write(`docker-resources-api: ${lines} log lines could not be written at exit\n`)
    }
  }

  /** pino's logger.flush(callback) calls this. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync()
    callback?.()
  }

  /** Lines written and dropped so far, and the bytes waiting. */
  get stats(): LogDestinationStats {
    return { written: this.written, dropped: this.dropped, pendingBytes: this.pendingBytes }
  }

  /** Writes what is pending and stops watching for exit (tests build many apps in one process). */
  close(): void {
    this.flushSync()
    process.off('exit', this.flushOnExit)
  }
}
