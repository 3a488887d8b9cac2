import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import {
  launchBrowser,
  noBrowser,
  openDesktopPage,
  screenshot,
  seriousViolations,
  signIn,
} from '../helpers/browser.ts'
import { guestBrowser, validForm } from '../helpers/contact-us.ts'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

describe('the inbox in a browser: settings', { skip: noBrowser }, () => {
  let parley: TestApp
  let smtp: SmtpSink
  let browser: Browser
  let page: Page

  before(async () => {
    smtp = await startSmtpSink()
    parley = await startTestApp({ env: { SMTP_URL: smtp.url } })
    browser = await launchBrowser()
    ;({ page } = await openDesktopPage(browser))
  })
  after(async () => {
    await browser?.close()
    await parley?.close()
    await smtp?.close()
  })

  test('staff who are not admins have no settings', async () => {
    await signIn(page, parley.baseUrl, parley.demo.users.staff)
    const nav = page.getByRole('navigation', { name: 'Sections' })
    await nav.getByRole('link', { name: /^Contacts/ }).waitFor()
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).count(), 0)
    await page.goto(`${parley.baseUrl}/inbox/settings`)
    await page.getByText('Only admins can change the settings.').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
  })

  test('an admin reroutes contact-us email; a bad address is refused with the reason; the next form follows', async () => {
    await signIn(page, parley.baseUrl, parley.demo.users.admin)
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click()
    const routing = page.getByRole('form', { name: 'CONTACT_US_EMAIL_TO' })
    const recipients = routing.getByRole('textbox', { name: 'Recipients (comma-separated)' })
    await recipients.nth(1).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'the settings screen')
    await screenshot(page, 'settings')

    const defaultRow = routing.locator('.row').filter({ has: page.locator('input[value="default"]') })
    const defaultRecipients = defaultRow.getByRole('textbox', { name: 'Recipients (comma-separated)' })
    await defaultRecipients.fill('not an address')
    await routing.getByRole('button', { name: 'Save' }).click()
    await routing
      .getByRole('alert')
      .getByText(/invalid email address/)
      .waitFor()

    await defaultRecipients.fill('frontdesk@parley.test, lead@parley.test')
    await routing.getByRole('button', { name: 'Save' }).click()
    await routing.getByRole('status').getByText('Saved').waitFor()

    const before = smtp.received.length
    const guest = await guestBrowser(parley)
    const sent = await guest.post('/users/contact-us/', { json: validForm(parley, { message: 'Routed?' }) })
    assert.equal(sent.status, 200, sent.text)
    const mails = await smtp.waitFor(before + 1)
    const staffMail = mails.slice(before).find((mail) => mail.raw.includes('Routed?'))
    assert.ok(staffMail)
    assert.deepEqual(staffMail.recipients.sort(), ['frontdesk@parley.test', 'lead@parley.test'])
  })

  test('a contact subject with its Turkish text is added and offered on the storefront', async () => {
    const form = page.getByRole('form', { name: 'New subject' })
    await form.getByRole('textbox', { name: 'Text (en)' }).fill('Returns')
    await form.getByRole('textbox', { name: 'Text (tr)' }).fill('İadeler')
    await form.getByRole('button', { name: 'Add subject' }).click()
    await page.getByRole('form', { name: 'Returns' }).waitFor()
    const guest = await guestBrowser(parley)
    const offered = await guest.get('/users/contact-us-subjects/', { headers: { 'accept-language': 'tr' } })
    assert.match(offered.text, /İadeler/)
  })
})
