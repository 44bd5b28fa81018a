import { spawnSync } from 'node:child_process'
import { closeSync, constants, openSync, readFileSync, readSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/paths.js'
import { LogDestination } from '../../src/plugins/log-destination.js'
import { tempDir } from '../helpers/database.js'

// The log destination batches lines into one write per event-loop turn, holds a
// bounded amount while the descriptor refuses writes, and never loses a line
// without counting it. Real descriptors: a file, and a FIFO nobody reads, opened
// non-blocking so that a full pipe answers EAGAIN (as a slow log reader does).

const { dir, cleanup } = tempDir()
afterAll(() => cleanup())

const turn = () => new Promise((resolve) => setImmediate(resolve))
const line = (n: number, pad = 0) => `${JSON.stringify({ n, pad: 'x'.repeat(pad) })}\n`

describe('the log destination', () => {
  it('writes the lines of one turn together, at the end of the turn, in order', async () => {
    const file = join(dir, 'batched.log')
    const fd = openSync(file, 'w')
    const destination = new LogDestination(fd)
    try {
      for (let n = 0; n < 100; n++) destination.write(line(n))
      expect(readFileSync(file, 'utf8')).toBe('')
      await turn()
      const lines = readFileSync(file, 'utf8').trim().split('\n')
      expect(lines.map((text) => JSON.parse(text).n)).toEqual([...Array(100).keys()])
      expect(destination.stats).toEqual({ written: 100, dropped: 0, pendingBytes: 0 })
    } finally {
      destination.close()
      closeSync(fd)
    }
  })

  it('writes at once when a turn piles up more than its buffer holds', () => {
    const file = join(dir, 'threshold.log')
    const fd = openSync(file, 'w')
    const destination = new LogDestination(fd, { bufferBytes: 1000 })
    try {
      for (let n = 0; n < 30; n++) destination.write(line(n, 100))
      // Written within this turn: at least the lines up to the threshold.
      expect(readFileSync(file, 'utf8').split('\n').length - 1).toBeGreaterThanOrEqual(8)
    } finally {
      destination.close()
      closeSync(fd)
    }
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(30)
  })

  it('writes any text byte for byte and in order, lines longer than its buffer too', async () => {
    const file = join(dir, 'text.log')
    const fd = openSync(file, 'w')
    // A small buffer: lines cross its end, and the long ones do not fit in it at all.
    const destination = new LogDestination(fd, { bufferBytes: 256 })
    const texts = [
      'plain',
      'x'.repeat(300),
      'café',
      'Ωμέγα',
      '文'.repeat(200),
      '中文字符',
      '🐳 whale',
      '\u2028 separator',
    ]
    const expected: string[] = []
    try {
      for (let n = 0; n < 120; n++) {
        const text = `${JSON.stringify({ n, text: texts[n % texts.length] })}\n`
        expected.push(text)
        destination.write(text)
      }
      await turn()
      expect(readFileSync(file, 'utf8')).toBe(expected.join(''))
      expect(destination.stats).toEqual({ written: 120, dropped: 0, pendingBytes: 0 })
    } finally {
      destination.close()
      closeSync(fd)
    }
  })

  it('holds a bounded amount while the reader is behind, counts what it drops, says so, and loses nothing else', async () => {
    const fifo = join(dir, 'slow-reader')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
    const reports: number[] = []
    const destination = new LogDestination(writer, {
      maxPendingBytes: 64 * 1024,
      onDropped: (lines) => reports.push(lines),
    })
    const received: string[] = []
    const drain = () => {
      const buffer = Buffer.alloc(1 << 16)
      let text = ''
      for (;;) {
        try {
          const n = readSync(reader, buffer)
          if (n === 0) break
          text += buffer.subarray(0, n).toString()
        } catch {
          break
        }
      }
      return text
    }
    try {
      // Far more than the pipe (64 KiB) and the bound (64 KiB) hold together.
      const total = 3000
      for (let n = 0; n < total; n++) {
        destination.write(line(n, 100))
        if (n % 50 === 0) await turn()
      }
      await turn()
      const { dropped } = destination.stats
      expect(dropped).toBeGreaterThan(0)
      expect(destination.stats.pendingBytes).toBeLessThanOrEqual(64 * 1024)
      // The reader catches up; the destination retries until everything it kept is out.
      let text = ''
      for (let i = 0; i < 200 && (destination.stats.pendingBytes > 0 || reports.length === 0); i++) {
        text += drain()
        await new Promise((resolve) => setTimeout(resolve, 15))
      }
      destination.flushSync()
      text += drain()
      received.push(...text.trim().split('\n'))
      const numbers = received.map((item) => JSON.parse(item).n as number)
      // Every line is either received, whole and in order, or counted as dropped.
      expect(numbers.length + dropped).toBe(total)
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
      expect(reports.reduce((sum, n) => sum + n, 0)).toBe(dropped)
    } finally {
      destination.close()
      closeSync(writer)
      closeSync(reader)
    }
  })

  it('writes every pending line when the process exits right after logging them', () => {
    const file = join(dir, 'exit.log')
    const script = `
      import { openSync } from 'node:fs'
      import { LogDestination } from './src/plugins/log-destination.ts'
      const destination = new LogDestination(openSync(${JSON.stringify(file)}, 'w'))
      for (let n = 0; n < 500; n++) destination.write(JSON.stringify({ n }) + '\\n')
      process.exit(0)
    `
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: projectRoot,
      encoding: 'utf8',
    })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(500)
  })
})
