import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'
import { defaultDatabasePath } from '../src/paths.js'

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databasePath: defaultDatabasePath,
      logLevel: 'info',
      corsOrigins: ['*'],
      trustProxy: false,
    })
  })

  it('shuts down within the 10 s docker stop and Kubernetes give before SIGKILL', () => {
    const { shutdownDelayMs, shutdownTimeoutMs } = loadConfig({})
    expect(shutdownDelayMs).toBe(3000)
    expect(shutdownDelayMs + shutdownTimeoutMs).toBeLessThan(10_000)
  })

  it('reads and converts each variable; empty means unset', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_PATH: 'tmp/x.db',
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      CACHE_MAX_AGE: '',
    })
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databasePath: resolve('tmp/x.db'),
      logLevel: 'warn',
      corsOrigins: ['https://a.example', 'https://b.example'],
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
      cacheMaxAge: 60,
    })
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true)
  })

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty": must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000": must be at most 65535'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud"'],
    [{ DOCS: 'maybe' }, 'DOCS="maybe": must be true or false'],
    [{ SHUTDOWN_DELAY_MS: '3s' }, 'SHUTDOWN_DELAY_MS="3s": must be a whole number from 0 to 600000'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('puts metrics on their own port, on HOST unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({}).metrics).toEqual({ port: 9464, host: '0.0.0.0' })
    expect(loadConfig({ HOST: '127.0.0.1' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' })
    expect(loadConfig({ METRICS_PORT: '9100', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({
      port: 9100,
      host: '10.0.0.5',
    })
    expect(loadConfig({ METRICS_PORT: '0' }).metrics.port).toBe(0)
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metrics.port).toBe(0)
  })

  it('refuses metrics on the public port', () => {
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(
      'METRICS_PORT="8080": must differ from PORT (metrics never share the public port; 0 turns them off)',
    )
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow('METRICS_PORT="70000": must be at most 65535')
  })

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: '-1', LOG_LEVEL: 'x' })).toThrow(/PORT=.*; LOG_LEVEL=/)
  })
})
