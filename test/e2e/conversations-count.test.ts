import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'drizzle-orm'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser, noBrowser, openDesktopPage, screenshot, signIn } from '../helpers/browser.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

describe('the inbox in a browser: a conversations list past the count bound', { skip: noBrowser }, () => {
  let parley: TestApp
  let browser: Browser
  let page: Page

  /** 1,050 staff conversations, each with a customer message the staff have not read. */
  before(async () => {
    parley = await startTestApp({ runWorkers: false })
    await parley.db.execute(sql`
      insert into conversations (company_id, subject, customer_message_count, message_count, last_message_at)
      select u.company_id, 'Bulk ' || n, 1, 1, timestamptz '2020-01-01T00:00:00Z' + n * interval '1 minute'
      from generate_series(1, 1050) n, users u where u.id = ${parley.demo.users.staff.id}`)
    browser = await launchBrowser()
    ;({ page } = await openDesktopPage(browser))
  })
  after(async () => {
    await browser?.close()
    await parley?.close()
  })

  test('the count and the unread total say 1,000+ and the pager goes on without a last page', async () => {
    await signIn(page, parley.baseUrl, parley.demo.users.staff)
    await page.getByRole('link', { name: 'Conversations' }).click()
    const pager = page.getByRole('navigation', { name: 'Page 1' })
    await pager.getByText('1,000+ results').waitFor()
    await page.getByText('1,000+ unread').waitFor()
    await page.getByRole('link', { name: 'Conversations 1000+ unread' }).waitFor()
    assert.match(await page.title(), /^\(1000\+\) /)
    await screenshot(page, 'conversations-capped')
    assert.equal(await pager.getByRole('button', { name: 'Previous' }).isDisabled(), true)
    await pager.getByRole('button', { name: 'Next' }).click()
    await page.getByRole('navigation', { name: 'Page 2' }).getByText('1,000+ results').waitFor()
  })
})
