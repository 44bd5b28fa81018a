import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { balancedOrder, settle } from '../bench/lib.js'

// The bench compares servers that share one core; these two keep one server's
// leftovers off another's figures (bench/README.md). A ratio is only as fair as
// the order and the quiet it was measured in.

describe('bench: balanced order', () => {
  it.each([2, 3, 4, 5])('with %i servers, each follows each other equally often', (n) => {
    const orders = Array.from({ length: n % 2 === 0 ? n : 2 * n }, (_, k) => balancedOrder(n, k))
    const follows = new Map<string, number>()
    for (const order of orders) {
      expect([...order].sort()).toEqual(Array.from({ length: n }, (_, i) => i))
      for (let i = 1; i < n; i++) {
        const pair = `${order[i - 1]}>${order[i]}`
        follows.set(pair, (follows.get(pair) ?? 0) + 1)
      }
    }
    expect(follows.size).toBe(n * (n - 1))
    expect(new Set(follows.values()).size).toBe(1)
    // The set repeats: order k and order k + its length are the same.
    expect(balancedOrder(n, orders.length + 1)).toEqual(orders[1])
  })
})

describe('bench: settle', () => {
  it('waits while a process works, and returns once it has been quiet', async () => {
    // A child that spins for 600 ms, then sleeps.
    const child = spawn(process.execPath, [
      '-e',
      'const end = Date.now() + 600; while (Date.now() < end); setTimeout(() => {}, 10_000)',
    ])
    try {
      await new Promise((resolve) => child.once('spawn', resolve))
      const waited = await settle([child.pid], 300, 5_000)
      // At least the rest of the spin and the 300 ms of quiet after it; well before the cap.
      expect(waited).toBeGreaterThanOrEqual(600)
      expect(waited).toBeLessThan(5_000)
      // Now it is idle: one quiet window is enough.
      const again = await settle([child.pid], 300, 5_000)
      expect(again).toBeLessThan(waited)
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('gives up at its cap when a process never rests', async () => {
    const child = spawn(process.execPath, ['-e', 'for (;;);'])
    try {
      await new Promise((resolve) => child.once('spawn', resolve))
      const waited = await settle([child.pid], 300, 800)
      expect(waited).toBeGreaterThanOrEqual(800)
    } finally {
      child.kill('SIGKILL')
    }
  })
})
