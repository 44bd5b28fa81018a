import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { LogDestination } from '../../src/plugins/log-destination.js'
import { seedDatabase, tempDir } from '../helpers/database.js'

// The access-log line is built by hand (access-log.ts) for speed; it must be, byte
// for byte, what the app's pino logger writes for the same fields, whatever the
// strings hold. Both go to the same file; only the time may differ.

const { dir, cleanup } = tempDir()
afterAll(() => cleanup())
const databasePath = seedDatabase(join(dir, 'resources.db'))

const CASES: [string, string, string, number, number, string | undefined][] = [
  ['b3c1f3a2-1f0b-4b9e-8a59-1c0f5a2f6e1d', 'GET', '/v1/resources?q=docker', 200, 0.53, '127.0.0.1'],
  ['from-the-proxy.42', 'HEAD', '/v1/resources/docs-docker-com-37e989a6', 304, 12, '::1'],
  ['id', 'GET', '/v1/resources?q="quoted"\\and\\back', 400, 1.25, '::ffff:10.0.0.1'],
  ['id', 'PROPFIND', '/caf\u00e9/\u00ff/\u0007', 405, 0, undefined],
  ['id', 'GET', `/${'x'.repeat(300)}`, 414, 1234.5, '127.0.0.1'],
]

describe('the access-log line', () => {
  it.each(CASES)('is what pino writes: %s %s %s', async (reqId, method, url, status, elapsed, address) => {
    const file = join(dir, `${reqId}-${status}.log`)
    const fd = openSync(file, 'w')
    const config = loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'info' })
    const app = await buildApp(config, { logDestination: new LogDestination(fd) })
    try {
      app.log.child({ reqId }).info(
        {
          method,
          url,
          statusCode: status,
          responseTime: Math.round(elapsed * 100) / 100,
          remoteAddress: address,
        },
        'request completed',
      )
      app.accessLog(reqId, method, url, status, elapsed, address)
    } finally {
      await app.close()
      closeSync(fd)
    }
    const [byPino, byHand] = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('request completed'))
      .map((line) => line.replace(/"time":\d+/, '"time":0'))
    expect(byHand).toBe(byPino)
    expect(JSON.parse(byHand as string).url).toBe(url)
  })

  it('is not written below its level', async () => {
    const file = join(dir, 'warn.log')
    const fd = openSync(file, 'w')
    const app = await buildApp(loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'warn' }), {
      logDestination: new LogDestination(fd),
    })
    app.accessLog('id', 'GET', '/', 200, 1, '127.0.0.1')
    await app.close()
    closeSync(fd)
    expect(readFileSync(file, 'utf8')).toBe('')
  })
})
