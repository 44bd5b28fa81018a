import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { CHROMIUM, hasChromium, launchChromium } from '../helpers/chromium.js'

// The /docs page (swagger-ui) must work under the Content-Security-Policy helmet
// sends: a real headless Chromium loads it from a real listening server, and any
// CSP violation or console error fails the test. Debian's Chromium is used; no
// browser is ever downloaded (apt-get install chromium).
if (!hasChromium) console.warn(`docs CSP test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`)

describe.skipIf(!hasChromium)('the /docs page under the Content-Security-Policy', () => {
  let api: TestApp
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    api = await startTestApp({ RATE_LIMIT_MAX: '0' })
    origin = api.origin
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await api?.close()
  })

  it('loads its own scripts and styles with no violation and renders every operation', async () => {
    const page = await browser.newPage()
    const problems: string[] = []
    const loaded: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
    page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`))
    page.on('response', (response) => {
      loaded.push(`${response.status()} ${response.url()}`)
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`)
    })
    // Runs in the page (a string: this file is type-checked without the DOM library).
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) => {
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI)
      })`,
    })

    const response = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle' })
    expect(response?.status()).toBe(200)
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
    await page.waitForSelector('.opblock-summary-path', { timeout: 15_000 })

    const paths = await page.$$eval('.opblock-summary-path', (nodes) =>
      nodes.map((node) => node.textContent?.replace(/\u200b/g, '').trim()),
    )
    expect(paths).toEqual(expect.arrayContaining(['/v1/resources', '/v1/resources/{id}', '/v1/tags']))
    // Its own assets came from this server and were used.
    expect(
      loaded.some((line) => line.startsWith('200') && line.includes('/docs/static/swagger-ui-bundle.js')),
    ).toBe(true)
    expect(
      loaded.some((line) => line.startsWith('200') && line.includes('/docs/static/swagger-ui.css')),
    ).toBe(true)
    const styled = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('.swagger-ui .info .title')).fontFamily",
    )
    expect(styled).toMatch(/sans-serif/)
    expect(problems).toEqual([])
    await page.close()
  })
})
