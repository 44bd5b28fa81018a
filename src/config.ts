import { isAbsolute, resolve } from 'node:path'
import { z } from 'zod'
import { defaultDatabasePath } from './paths.js'

// The one place that reads the environment. Every setting is validated here at
// start-up, so a bad value stops the process with a message naming the variable
// instead of surfacing later as an odd failure.

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
)

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes')

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
}

export const EnvSchema = z.object({
  PORT: integer(0, 65535).default(3000).describe('TCP port to listen on'),
  HOST: z.string().min(1).default('0.0.0.0').describe('Interface to bind; 127.0.0.1 keeps it local'),
  DATABASE_PATH: z
    .string()
    .min(1)
    .default(defaultDatabasePath)
    .transform((value) => (isAbsolute(value) ? value : resolve(value)))
    .describe('SQLite file the seed writes and the server reads'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info').describe('pino log level'),
  CORS_ORIGINS: commaList
    .default(['*'])
    .describe('Origins allowed to call the API from a browser: * or a comma-separated list'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value): boolean | number | string[] => {
      if (value === 'true' || value === 'false') return value === 'true'
      if (/^\d+$/.test(value)) return Number(value)
      return value.split(',').map((item) => item.trim())
    })
    .describe('Trust X-Forwarded-* from: false, true, a hop count, or comma-separated addresses/CIDRs'),
  CACHE_MAX_AGE: integer(0, 31_536_000)
    .default(60)
    .describe('Cache-Control max-age of API responses, seconds'),
  CACHE_STALE_WHILE_REVALIDATE: integer(0, 31_536_000)
    .default(300)
    .describe('Cache-Control stale-while-revalidate of API responses, seconds'),
  RESPONSE_CACHE_ENTRIES: integer(0, 1_000_000)
    .default(5000)
    .describe('Most whole responses kept in memory (the data is read-only); 0 turns the cache off'),
  RESPONSE_CACHE_MB: integer(1, 4096).default(32).describe('Most megabytes the response cache may hold'),
  // The two together (3 s + 6 s) stay below the 10 s that docker stop and
  // Kubernetes allow before SIGKILL. 3 s is podinfo's wait: long enough for a load
  // balancer checking every second to see /readyz fail twice.
  SHUTDOWN_DELAY_MS: integer(0, 600_000)
    .default(3_000)
    .describe('After SIGTERM, how long /readyz answers 503 while everything else is still served'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000)
    .default(6_000)
    .describe('How long requests in flight may run once the server closes'),
  DOCS: booleanString.default(true).describe('Serve /docs (the interactive API documentation)'),
  RATE_LIMIT_MAX: integer(0, 1_000_000)
    .default(600)
    .describe('Requests one client IP may make per RATE_LIMIT_WINDOW; 0 turns rate limiting off'),
  RATE_LIMIT_WINDOW: integer(1, 86_400).default(60).describe('Rate-limit window, seconds'),
  MAX_EVENT_LOOP_DELAY_MS: integer(0, 60_000)
    .default(1000)
    .describe('Answer 503 (Retry-After) while the event loop lags more than this; 0 turns it off'),
  // Never the public port: metrics tell an outsider the traffic, the routes and the
  // process's health, so they go on a port that the Service does not expose.
  METRICS_PORT: integer(0, 65535)
    .default(9464)
    .describe('TCP port of GET /metrics (Prometheus text format); 0 turns metrics off'),
  // A host with a public and a private interface (a VM, host networking) keeps the
  // API on the public one and the metrics on the private one.
  METRICS_HOST: z.string().min(1).optional().describe('Interface for the metrics port; HOST when unset'),
})

const ConfigSchema = EnvSchema.refine((env) => env.METRICS_PORT === 0 || env.METRICS_PORT !== env.PORT, {
  path: ['METRICS_PORT'],
  message: 'must differ from PORT (metrics never share the public port; 0 turns them off)',
}).transform((env) => ({
  port: env.PORT,
  host: env.HOST,
  databasePath: env.DATABASE_PATH,
  logLevel: env.LOG_LEVEL,
  corsOrigins: env.CORS_ORIGINS,
  trustProxy: env.TRUST_PROXY,
  cacheMaxAge: env.CACHE_MAX_AGE,
  cacheStaleWhileRevalidate: env.CACHE_STALE_WHILE_REVALIDATE,
  responseCacheEntries: env.RESPONSE_CACHE_ENTRIES,
  responseCacheBytes: env.RESPONSE_CACHE_MB * 1024 * 1024,
  shutdownDelayMs: env.SHUTDOWN_DELAY_MS,
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  docs: env.DOCS,
  rateLimit: { max: env.RATE_LIMIT_MAX, windowSeconds: env.RATE_LIMIT_WINDOW },
  maxEventLoopDelayMs: env.MAX_EVENT_LOOP_DELAY_MS,
  metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST ?? env.HOST },
}))

export type Config = z.output<typeof ConfigSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads the configuration from an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  )
  const result = ConfigSchema.safeParse(known)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0])
      return `${name}=${JSON.stringify(env[name])}: ${issue.message}`
    })
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`)
  }
  return result.data
}
