import type { Metric } from 'prom-client'

// The request-duration histogram, observed once per request, cached answers
// included. prom-client's Histogram hashes and validates a series' labels on every
// observe(), even through a child from labels(): about 1 µs, 3% of a cached
// answer's CPU (its closure was the hottest JavaScript of the fast path's
// profile). Here a series is an array of bucket counts that its observer holds, so
// observing is a short loop and three additions. A registry reads it as it reads
// prom-client's own (get(), getForPromString()), in the same shape and order:
// test/http/duration-histogram.test.ts compares the scraped text with
// prom-client's Histogram fed the same values.

type Series = { labels: Record<string, string>; counts: Float64Array; sum: number; count: number }
type Value = {
  labels: Record<string, string | number>
  /** The series' labels, written after the value's own (le), as prom-client writes them. */
  sharedLabels?: Record<string, string>
  value: number
  metricName: string
}
type Values = { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Value[] }

export class DurationHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  private readonly series = new Map<string, Series>()
  /** Counts reset() calls: an observer holding a series from before one looks it up again. */
  private generation = 0

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: number[],
  ) {}

  /** The observer of one series (labels in the order they are to be written). */
  child(labels: Record<string, string>): (value: number) => void {
    const key = JSON.stringify(labels)
    const bounds = this.upperBounds
    let current: Series | undefined
    let generation = -1
    return (value) => {
      // Shown once it has a value, as prom-client shows a series once observed;
      // looked up again after a reset().
      if (generation !== this.generation) {
        generation = this.generation
        current = this.series.get(key)
        if (current === undefined) {
          current = { labels, counts: new Float64Array(bounds.length), sum: 0, count: 0 }
          this.series.set(key, current)
        }
      }
      const series = current as Series
      let index = 0
      while (index < bounds.length && value > (bounds[index] as number)) index++
      if (index < bounds.length) series.counts[index] = (series.counts[index] as number) + 1
      series.sum += value
      series.count++
    }
  }

  reset(): void {
    this.series.clear()
    this.generation++
  }

  /** prom-client's histogram values: cumulative buckets, +Inf, sum and count per series; the series' labels shared. */
  async getForPromString(): Promise<Values> {
    const values: Value[] = []
    const bucket = `${this.name}_bucket`
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0
      this.upperBounds.forEach((le, index) => {
        cumulative += counts[index] as number
        values.push({ labels: { le }, sharedLabels: labels, value: cumulative, metricName: bucket })
      })
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: count, metricName: bucket })
      values.push({ labels: {}, sharedLabels: labels, value: sum, metricName: `${this.name}_sum` })
      values.push({ labels: {}, sharedLabels: labels, value: count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** As getForPromString(), each value's labels and the series' in one object (prom-client's get()). */
  async get(): Promise<Values> {
    const data = await this.getForPromString()
    data.values = data.values.map(({ sharedLabels, labels, ...value }) => ({
      ...value,
      labels: { ...labels, ...sharedLabels },
    }))
    return data
  }

  /** As prom-client's metrics are registered (Registry.registerMetric takes any that reads the same). */
  asMetric(): Metric {
    return this as unknown as Metric
  }
}
