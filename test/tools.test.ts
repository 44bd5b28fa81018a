import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort } from '../scripts/tools.js'

// The helpers that start servers as child processes give each PORT and
// METRICS_PORT from two calls of freePort: they must never be the same port.
describe('freePort', () => {
  it('hands out a port once per process, and each one can be listened on', async () => {
    const ports: number[] = []
    for (let i = 0; i < 300; i++) ports.push(await freePort())
    expect(new Set(ports).size).toBe(ports.length)
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(ports.at(-1), '127.0.0.1', resolve)
    })
    await new Promise((resolve) => server.close(resolve))
  })
})
