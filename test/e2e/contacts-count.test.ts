import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, noBrowser, openDesktopPage, screenshot, signIn } from '../helpers/browser.ts'
import { insertBulkContacts } from '../helpers/bulk-contacts.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

describe('the inbox in a browser: a contacts list past the count bounds', { skip: noBrowser }, () => {
  let parley: TestApp
  let browser: Browser
  let page: Page

  /** 10,050 contacts nobody has opened, one in a thousand about a "kettle". */
  before(async () => {
    parley = await startTestApp({ runWorkers: false })
    await insertBulkContacts(parley, 10_050, { every: 1000, message: 'kettle' })
    browser = await launchBrowser()
    ;({ page } = await openDesktopPage(browser))
  })
  after(async () => {
    await browser?.close()
    await parley?.close()
  })

  test('the count says 10,000+, the unviewed total 1000+, and the pager goes on without a last page', async () => {
    await signIn(page, parley.baseUrl, parley.demo.users.staff)
    await page.getByRole('link', { name: 'Contacts 1000+ unviewed' }).waitFor()
    assert.match(await page.title(), /^\(1000\+\) /)
    const pager = page.getByRole('navigation', { name: 'Page 1' })
    await pager.getByText('10,000+ results').waitFor()
    await screenshot(page, 'contacts-capped')
    assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true)
    await pager.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('navigation', { name: 'Page 2' }).getByText('10,000+ results').waitFor()
  })

  test('a search past its bound of 1,000 says 1,000+ results and goes on', async () => {
    await page.getByRole('searchbox').fill('bulk')
    const pager = page.getByRole('navigation', { name: 'Page 1' })
    await pager.getByText('1,000+ results').waitFor()
    await pager.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('navigation', { name: 'Page 2' }).getByText('1,000+ results').waitFor()
  })

  test('a search under the bound shows its exact count and its last page', async () => {
    await page.getByRole('searchbox').fill('kettle')
    const pager = page.getByRole('navigation', { name: 'Page 1 of 1' })
    await pager.getByText('11 results').waitFor()
    assert.equal(await pager.getByRole('button', { name: 'Next' }).isDisabled(), true)
  })
})
