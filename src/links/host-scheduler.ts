import { performance } from 'node:perf_hooks'

// Politeness, as lychee and the big crawlers practise it: a cap on requests in flight
// in all, never two at once to one host, and a pause between two requests to the same
// host (from the end of one to the start of the next). A task waiting for its host
// holds no slot, so other hosts go on meanwhile. Lower priority numbers go first, so
// a link's redirect hops and retries finish before the next link of that host starts.

export type SchedulerOptions = {
  /** Requests in flight in all. */
  concurrency: number
  /** Least time between the end of one request to a host and the start of the next. */
  hostIntervalMs: number
}

type Waiting = {
  host: string
  priority: number
  seq: number
  start: () => void
  cancel: (reason: Error) => void
}
type HostState = { busy: boolean; readyAt: number }

export type SchedulerStats = {
  /** The most requests that were in flight at once. */
  maxInFlight: number
  requests: number
}

/** The key politeness is counted by: the host name in lowercase, without `www.`. */
export function hostKey(url: string): string {
  return new URL(url).hostname.toLowerCase().replace(/^www\./, '')
}

export class HostScheduler {
  private readonly options: SchedulerOptions
  private readonly queue: Waiting[] = []
  private readonly hosts = new Map<string, HostState>()
  private inFlight = 0
  private seq = 0
  private timer: NodeJS.Timeout | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private closed = false
  readonly stats: SchedulerStats = { maxInFlight: 0, requests: 0 }

  constructor(options: SchedulerOptions) {
    this.options = options
  }

  /** Runs `task` when the politeness rules allow a request to `host`. */
  run<T>(host: string, priority: number, task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('scheduler closed'))
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        host,
        priority,
        seq: this.seq++,
        cancel: reject,
        start: () => {
          const state = this.state(host)
          state.busy = true
          this.inFlight++
          this.stats.requests++
          this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight)
          task()
            .then(resolve, reject)
            .finally(() => {
              state.busy = false
              state.readyAt = Math.max(state.readyAt, performance.now() + this.options.hostIntervalMs)
              this.inFlight--
              this.dispatch()
            })
        },
      })
      this.dispatch()
    })
  }

  /** Holds every request to `host` back for `ms` (a Retry-After applies to the whole host). */
  deferHost(host: string, ms: number): void {
    const state = this.state(host)
    state.readyAt = Math.max(state.readyAt, performance.now() + ms)
  }

  /** Starts nothing more: tasks still waiting are rejected with `reason`. */
  close(reason = new Error('scheduler closed')): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    for (const waiting of this.queue.splice(0)) waiting.cancel(reason)
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host)
    if (!state) {
      state = { busy: false, readyAt: 0 }
      this.hosts.set(host, state)
    }
    return state
  }

  private dispatch(): void {
    if (this.closed) return
    while (this.inFlight < this.options.concurrency) {
      const now = performance.now()
      let best = -1
      for (let i = 0; i < this.queue.length; i++) {
        const candidate = this.queue[i] as Waiting
        const state = this.state(candidate.host)
        if (state.busy || state.readyAt > now) continue
        const current = best >= 0 ? (this.queue[best] as Waiting) : undefined
        if (
          !current ||
          candidate.priority < current.priority ||
          (candidate.priority === current.priority && candidate.seq < current.seq)
        ) {
          best = i
        }
      }
      if (best < 0) break
      const [next] = this.queue.splice(best, 1)
      next?.start()
    }
    this.armTimer()
  }

  // Wakes the dispatcher when the earliest waiting host becomes ready again.
  private armTimer(): void {
    if (this.inFlight >= this.options.concurrency) return
    let earliest = Number.POSITIVE_INFINITY
    for (const waiting of this.queue) {
      const state = this.state(waiting.host)
      if (!state.busy) earliest = Math.min(earliest, state.readyAt)
    }
    if (earliest === Number.POSITIVE_INFINITY || earliest >= this.timerAt) return
    if (this.timer) clearTimeout(this.timer)
    this.timerAt = earliest
    // Rounded up: a timer that fires a fraction early would only re-arm itself.
    this.timer = setTimeout(
      () => {
        this.timer = undefined
        this.timerAt = Number.POSITIVE_INFINITY
        this.dispatch()
      },
      Math.max(0, Math.ceil(earliest - performance.now())),
    )
  }
}
