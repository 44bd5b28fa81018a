import { relative } from 'node:path'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { z } from 'zod'
import { LINK_STATUSES, type LinkStatus } from '../ingest/link-status.js'
import { defaultLinkStatusFile, defaultSeedPage } from '../paths.js'
import type { ReportFormat } from './report.js'

// The command lines of `npm run check-links` and `npm run update-page`, and the one
// environment variable they read (WAYBACK_URL), validated with zod. The server's
// environment stays in src/config.ts; these are a curator's tools.

/** Bad usage: the CLI prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export const DEFAULT_WAYBACK_URL = 'https://web.archive.org'
/** The Docker page in the fullstackpython.com repository, as raw Markdown. */
export const DEFAULT_UPSTREAM_URL =
  'https://raw.githubusercontent.com/mattmakai/fullstackpython.com/master/content/pages/05-deployment/36-docker.markdown'

const UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

/** "24h", "90m", "7d", "0" -> milliseconds; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?$/.exec(text.trim())
  if (!match) return undefined
  const value = Number(match[1])
  if (match[2] === undefined) return value === 0 ? 0 : undefined
  return value * (UNITS[match[2]] as number)
}

function shown(path: string): string {
  const near = relative(process.cwd(), path)
  return near && !near.startsWith('..') ? near : path
}

function numberIn(flag: string, unit: string, min: number, max: number, integer: boolean) {
  const what = integer ? 'a whole number' : 'a number'
  return z
    .string()
    .refine((text) => /^\d+(\.\d+)?$/.test(text.trim()) && (!integer || /^\d+$/.test(text.trim())), {
      message: `${flag} must be ${what} of ${unit}`,
    })
    .transform(Number)
    .refine((value) => value >= min && value <= max, {
      message: `${flag} must be from ${min} to ${max} ${unit}`,
    })
}

const CheckArgsSchema = z.object({
  page: z.array(z.string().min(1)).min(1),
  out: z.string().min(1),
  timeout: numberIn('--timeout', 'seconds', 0.001, 600, false),
  concurrency: numberIn('--concurrency', 'requests', 1, 64, true),
  'host-interval': numberIn('--host-interval', 'milliseconds', 0, 600_000, true),
  'max-age': z.string().transform((text, context) => {
    const ms = parseDuration(text)
    if (ms === undefined) {
      context.addIssue({
        code: 'custom',
        message: `--max-age must be a duration such as 24h, 90m, 7d or 0 (got "${text}")`,
      })
      return z.NEVER
    }
    return { text, ms }
  }),
  exclude: z.array(z.string()).transform((patterns, context) =>
    patterns.map((pattern) => {
      try {
        return new RegExp(pattern)
      } catch (error) {
        context.addIssue({ code: 'custom', message: `--exclude ${pattern}: ${(error as Error).message}` })
        return z.NEVER
      }
    }),
  ),
  'all-links': z.boolean(),
  'no-archive': z.boolean(),
  report: z.enum(['text', 'json', 'markdown'], { message: '--report must be text, json or markdown' }),
  'fail-on': z.array(z.string()).transform((values, context) => {
    const statuses = values
      .flatMap((value) => value.split(','))
      .map((value) => value.trim())
      .filter(Boolean)
    const unknown = statuses.filter((status) => !(LINK_STATUSES as readonly string[]).includes(status))
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `--fail-on: unknown status ${unknown.join(', ')} (one or more of ${LINK_STATUSES.join(', ')})`,
      })
      return z.NEVER
    }
    return statuses as LinkStatus[]
  }),
  'apply-redirects': z.boolean(),
})

const EnvSchema = z.object({
  WAYBACK_URL: z
    .string()
    .default(DEFAULT_WAYBACK_URL)
    .refine((value) => /^https?:\/\/[^/]/.test(value) && URL.canParse(value), {
      message: 'WAYBACK_URL must be an http(s) URL',
    }),
})

export type CheckOptions = {
  pages: string[]
  out: string
  timeoutMs: number
  concurrency: number
  hostIntervalMs: number
  maxAge: { text: string; ms: number }
  excludes: RegExp[]
  allLinks: boolean
  archiveBaseUrl: string | null
  report: ReportFormat
  failOn: LinkStatus[]
  applyRedirects: boolean
  help: boolean
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  return issue?.message ?? 'invalid arguments'
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: false, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments')
  }
}

export function parseCheckArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CheckOptions {
  const { values } = parse(argv, {
    page: { type: 'string', multiple: true },
    out: { type: 'string' },
    timeout: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4' },
    'host-interval': { type: 'string', default: '500' },
    'max-age': { type: 'string', default: '24h' },
    exclude: { type: 'string', multiple: true, default: [] },
    'all-links': { type: 'boolean', default: false },
    'no-archive': { type: 'boolean', default: false },
    report: { type: 'string', default: 'text' },
    'fail-on': { type: 'string', multiple: true, default: [] },
    'apply-redirects': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  const help = values.help === true
  const args = CheckArgsSchema.safeParse({
    ...values,
    page: values.page ?? [shown(defaultSeedPage)],
    out: values.out ?? shown(defaultLinkStatusFile),
  })
  if (!args.success) throw new UsageError(firstIssue(args.error))
  const environment = EnvSchema.safeParse({ WAYBACK_URL: env.WAYBACK_URL || undefined })
  if (!environment.success) throw new UsageError(firstIssue(environment.error))
  const a = args.data
  return {
    pages: a.page,
    out: a.out,
    timeoutMs: Math.round(a.timeout * 1000),
    concurrency: a.concurrency,
    hostIntervalMs: a['host-interval'],
    maxAge: a['max-age'],
    excludes: a.exclude,
    allLinks: a['all-links'],
    archiveBaseUrl: a['no-archive'] ? null : environment.data.WAYBACK_URL,
    report: a.report,
    failOn: a['fail-on'],
    applyRedirects: a['apply-redirects'],
    help,
  }
}

const UpdateArgsSchema = z.object({
  from: z.string().refine((value) => /^https?:\/\/[^/]/.test(value) && URL.canParse(value), {
    message: '--from must be an http(s) URL',
  }),
  page: z.string().min(1),
  timeout: numberIn('--timeout', 'seconds', 0.001, 600, false),
  write: z.boolean(),
})

export type UpdatePageOptions = {
  from: string
  page: string
  timeoutMs: number
  write: boolean
  help: boolean
}

export function parseUpdatePageArgs(argv: readonly string[]): UpdatePageOptions {
  const { values } = parse(argv, {
    from: { type: 'string', default: DEFAULT_UPSTREAM_URL },
    page: { type: 'string' },
    timeout: { type: 'string', default: '20' },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  const args = UpdateArgsSchema.safeParse({ ...values, page: values.page ?? shown(defaultSeedPage) })
  if (!args.success) throw new UsageError(firstIssue(args.error))
  return {
    from: args.data.from,
    page: args.data.page,
    timeoutMs: Math.round(args.data.timeout * 1000),
    write: args.data.write,
    help: values.help === true,
  }
}
