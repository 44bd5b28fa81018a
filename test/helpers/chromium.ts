import { existsSync } from 'node:fs'
import { join } from 'node:path'
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core'
import { sourceHash } from '../../seed/seed.js'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { buildDatabase } from '../../src/db/build-database.js'
import { assembleDataset } from '../../src/ingest/assemble-dataset.js'
import { readPage } from '../../src/ingest/read-page.js'
import { defaultSeedPage } from '../../src/paths.js'
import { tempDir } from './database.js'

// Debian's Chromium through playwright-core, as the /docs test drives it: no
// browser is ever downloaded (apt-get install chromium). Without it the browser
// tests are skipped with a message, never passed silently.
export const CHROMIUM = '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The same fonts and sizes on every run, so the screenshots only change when the page does.
      '--font-render-hinting=none',
      '--force-device-scale-factor=1',
    ],
  })
}

/**
 * A page that records every CSP violation, console error, page error, failed
 * request and HTTP error it meets; a test expects the list to stay empty.
 */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', (request) => {
    // A search-as-you-type request superseded by the next keystroke is aborted on purpose.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`failed: ${request.url()}`)
  })
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
  })
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`)
    void dialog.dismiss()
  })
  // Runs in the page (a string: this file is type-checked without the DOM library).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI)
    })`,
  })
  return { page, problems }
}

export type CatalogServer = { origin: string; close: () => Promise<void> }

/**
 * The real app, listening on loopback, over a database seeded from these pages
 * at a fixed time: the footer shows the seed time, and fixed it keeps the
 * screenshots the same from run to run.
 */
export async function startCatalogServer(pages: string[] = [defaultSeedPage]): Promise<CatalogServer> {
  const { dir, cleanup } = tempDir('dra-catalog-')
  const databasePath = join(dir, 'resources.db')
  buildDatabase(
    databasePath,
    assembleDataset(pages.map((page) => readPage(page))),
    sourceHash(pages),
    new Date('2026-01-15T09:30:00Z'),
  )
  const app = await buildApp(
    loadConfig({ DATABASE_PATH: databasePath, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0' }),
    { logger: false },
  )
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    origin,
    close: async () => {
      await app.close()
      cleanup()
    },
  }
}

export const JS_OFF: BrowserContextOptions = { javaScriptEnabled: false }
