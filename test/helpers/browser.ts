import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { type Browser, chromium, type Page } from 'playwright-core'
import { isInboxBuilt } from '../../src/surfaces/inbox/built-files.ts'

const CHROMIUM = '/usr/bin/chromium'

/** Why the browser tests cannot run here, or false: Debian's Chromium is needed (never a downloaded one). */
export const noBrowser: string | false = existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`

/** One headless Chromium for a test file. */
export async function launchBrowser() {
  if (!isInboxBuilt())
    throw new Error('the staff inbox is not built: run npm install (or npm run --prefix web build)')
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

/**
 * A desktop-sized page in English. The inbox's Content-Security-Policy is bypassed so that axe-core can be
 * injected as an inline script.
 */
export async function openDesktopPage(browser: Browser) {
  const context = await browser.newContext({
    locale: 'en-US',
    viewport: { width: 1360, height: 860 },
    bypassCSP: true,
  })
  return { context, page: await context.newPage() }
}

const ARTIFACTS = new URL('../e2e/artifacts/', import.meta.url).pathname

/** Keeps a picture of the screen under test/e2e/artifacts/ (gitignored), to look at. */
export async function screenshot(page: Page, name: string) {
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: false })
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page) {
  await page.addScriptTag({ content: await axeSource })
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe
    return (await axe.run()).violations
  })
  return results
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}
type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** Signs in through the inbox's own form. */
export async function signIn(page: Page, baseUrl: string, user: { email: string; password: string }) {
  await page.goto(`${baseUrl}/inbox/`)
  await page.getByLabel(/^(Email|E-posta)$/).fill(user.email)
  await page.getByLabel(/^(Password|Parola)$/).fill(user.password)
  await page.getByRole('button', { name: /^(Sign in|Giriş yap)$/ }).click()
}
