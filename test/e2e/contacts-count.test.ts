import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, noBrowser, openDesktopPage, screenshot, signIn } from '../helpers/browser.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

describe('the inbox in a browser: a contacts list past the count bounds', { skip: noBrowser }, () => {
  let parley: TestApp
  let browser: Browser
  let page: Page

  /** 10,050 contacts nobody has opened, one in a thousand about a "kettle". */
  before(async () => {
    parley = await startTestApp({ runWorkers: false })
    await parley.db.execute(sql`
      insert into contacts (company_id, source, subject, message, created_at)
      select u.company_id, 'staff', 'Bulk ' || n, case when n % 1000 = 7 then 'kettle' else 'hay' end,
        timestamptz '2020-01-01T00:00:00Z' + n * interval '1 minute'
      from generate_series(1, 10050) n, users u where u.id = ${parley.demo.users.staff.id}`)
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
