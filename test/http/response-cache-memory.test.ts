import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'

// The response cache caps itself by the bytes it counts (RESPONSE_CACHE_MB). Those
// must be the bytes it holds: a short body made with Buffer.from() is a slice of a
// shared 8 KB pool and keeps the whole pool alive. It held ~40 MB where it counted
// 6 MB under the stress mix, and got a 128 MiB container OOM-killed.

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
// V8 frees the memory of collected buffers on a background thread: collect, let it.
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ RESPONSE_CACHE_ENTRIES: '100000', RATE_LIMIT_MAX: '0' })
})
afterAll(async () => {
  await t.close()
})

it('holds no more memory than it counts for thousands of short answers', async () => {
  await collect()
  const before = process.memoryUsage().arrayBuffers
  for (let i = 0; i < 3000; i++) {
    // Each a distinct 404 problem of ~250 bytes, cached like any 404.
    expect((await t.app.inject(`/v1/resources/no-such-resource-${i}`)).statusCode).toBe(404)
  }
  await collect()
  const held = process.memoryUsage().arrayBuffers - before
  const { entries, bytes } = t.app.httpCacheStats()
  expect(entries).toBe(3000)
  expect(held).toBeLessThan(bytes)
})
