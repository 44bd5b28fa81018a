import fc from 'fast-check'
import { Histogram, Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { DurationHistogram } from '../../src/plugins/duration-histogram.js'

// The request-duration histogram is ours (observing through prom-client's cost
// ~1 µs a request), but a scrape must not tell: fed the same values, its text and
// its values are prom-client's Histogram's, series by series, bucket by bucket.

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
const LABELS = [
  { method: 'GET', route: '/v1/categories', status_code: '2xx' },
  { method: 'HEAD', route: '/v1/resources/:id', status_code: '3xx' },
  { method: 'other', route: 'unmatched', status_code: '4xx' },
]

function pair() {
  const ours = new DurationHistogram('http_request_duration_seconds', 'Time to the last byte.', BUCKETS)
  const oursRegistry = new Registry()
  oursRegistry.registerMetric(ours.asMetric())
  const theirs = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to the last byte.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: BUCKETS,
    registers: [],
  })
  const theirsRegistry = new Registry()
  theirsRegistry.registerMetric(theirs)
  const observers = LABELS.map((labels) => ({ ours: ours.child(labels), theirs: theirs.labels(labels) }))
  return { ours, theirs, oursRegistry, theirsRegistry, observers }
}

describe('DurationHistogram', () => {
  it('scrapes as prom-client’s Histogram fed the same values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: LABELS.length - 1 }),
            fc.oneof(fc.constantFrom(...BUCKETS, 0, 11), fc.double({ min: 0, max: 20, noNaN: true })),
          ),
          { maxLength: 200 },
        ),
        async (observations) => {
          const { ours, theirs, oursRegistry, theirsRegistry, observers } = pair()
          for (const [series, value] of observations) {
            observers[series]?.ours(value)
            observers[series]?.theirs.observe(value)
          }
          expect(await oursRegistry.metrics()).toBe(await theirsRegistry.metrics())
          // prom-client's values carry an exemplar field (null, or undefined), unused here.
          const theirValues = (await theirs.get()).values as ({ exemplar?: unknown } & object)[]
          expect(await ours.get()).toEqual({
            ...(await theirs.get()),
            values: theirValues.map(({ exemplar: _exemplar, ...value }) => value),
          })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('shows a series only once observed, and starts again from zero after reset()', async () => {
    const { ours, oursRegistry, theirsRegistry, theirs, observers } = pair()
    expect(await oursRegistry.metrics()).toBe(await theirsRegistry.metrics())
    const [first] = observers
    first?.ours(0.002)
    first?.theirs.observe(0.002)
    ours.reset()
    theirs.reset()
    first?.ours(0.3)
    first?.theirs.observe(0.3)
    const text = await oursRegistry.metrics()
    expect(text).toBe(await theirsRegistry.metrics())
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/v1/categories",status_code="2xx"} 1',
    )
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.25",method="GET",route="/v1/categories",status_code="2xx"} 0',
    )
  })
})
