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
import { HttpClient } from '../helpers/http-client.ts'
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { tinyPng } from '../helpers/tiny-png.ts'
import { loggedIn } from '../surfaces/storefront/conversations-fixtures.ts'

describe('the inbox in a browser: sign-in and contacts', { skip: noBrowser }, () => {
  let parley: TestApp
  let smtp: SmtpSink
  let browser: Browser
  let page: Page

  before(async () => {
    smtp = await startSmtpSink()
    // One attempt per email, so an email the sink refuses fails at once and can be sent again from the inbox.
    parley = await startTestApp({ env: { SMTP_URL: smtp.url, OUTBOX_MAX_ATTEMPTS: '1' } })
    browser = await launchBrowser()
    ;({ page } = await openDesktopPage(browser))
  })
  after(async () => {
    await browser?.close()
    await parley?.close()
    await smtp?.close()
  })

  test('a customer is refused with a clear message, and no session is kept', async () => {
    await page.goto(`${parley.baseUrl}/inbox/`)
    assert.equal(await page.title(), 'Parley inbox')
    assert.deepEqual(await seriousViolations(page), [], 'the sign-in screen')
    await screenshot(page, 'sign-in')
    await signIn(page, parley.baseUrl, parley.demo.users.alice)
    await page.getByRole('alert').getByText('Only staff and admin users can sign in to the inbox.').waitFor()
    const me = await page.evaluate(async () => (await fetch('/api/auth/me/')).status)
    assert.equal(me, 403)
  })

  test('a wrong password says so', async () => {
    await signIn(page, parley.baseUrl, { email: parley.demo.users.staff.email, password: 'not-the-password' })
    await page.getByRole('alert').getByText('The email or password is not right.').waitFor()
  })

  test('staff sign in; a contact-us form sent meanwhile appears live, in bold, and opening it marks it viewed', async () => {
    await signIn(page, parley.baseUrl, parley.demo.users.staff)
    await page.getByRole('navigation', { name: 'Sections' }).waitFor()
    await page.getByRole('status').getByText('Live').waitFor()
    const form = validForm(parley, { full_name: 'Grace Hopper', message: 'Is the mirror heated?' })
    const guest = await guestBrowser(parley)
    const sent = await guest.post('/users/contact-us/', { json: form })
    assert.equal(sent.status, 200, sent.text)

    const list = page.getByRole('list', { name: 'Contact-us forms' })
    const row = list.getByRole('link', { name: /Grace Hopper/ })
    await row.waitFor({ timeout: 10_000 })
    assert.match(await row.innerText(), /Unviewed/, 'unviewed is said (and shown in bold)')
    assert.match(await page.title(), /^\(1\) /, 'the tab title counts what waits')
    assert.deepEqual(await seriousViolations(page), [], 'the contacts list')
    await screenshot(page, 'contacts-list')

    await row.click()
    await page.getByRole('heading', { name: 'General question' }).waitFor()
    await page.getByRole('article').getByText('Is the mirror heated?').waitFor()
    await list
      .getByRole('link', { name: /Grace Hopper/ })
      .filter({ hasNotText: 'Unviewed' })
      .waitFor()
    const staffApi = new HttpClient(parley.baseUrl)
    const stored = await staffApi.get('/api/contacts/', {
      headers: { authorization: `Token ${parley.demo.users.staff.token}` },
    })
    const contact = stored.body.results.find((one: { email: string }) => one.email === form.email)
    assert.equal(contact.viewed, true)
    assert.ok(contact.viewed_at, 'the API agrees: viewed, with its time')
    assert.deepEqual(await seriousViolations(page), [], 'the contact detail')
    await screenshot(page, 'contact-detail')
  })

  test('an answer by email reaches the sender threaded to the staff email, and is kept on the contact', async () => {
    const before = smtp.received.length
    const staffMail = smtp.received.find((mail) => mail.raw.includes('Is the mirror heated?'))
    assert.ok(staffMail, 'the staff email of the form arrived')
    await page.keyboard.press('r')
    const box = page.getByRole('textbox', { name: /^Reply to / })
    assert.equal(
      await box.evaluate((element) => element === element.ownerDocument.activeElement),
      true,
      'r focuses the reply',
    )
    await box.fill('Yes, it is heated and folds electrically.')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    await page.getByText('Yes, it is heated and folds electrically.').waitFor()
    const mails = await smtp.waitFor(before + 1)
    const answer = mails.slice(before).find((mail) => mail.raw.includes('folds electrically'))
    assert.ok(answer, 'the answer was emailed')
    const staffId = staffMail.headers.get('message-id')
    assert.ok(staffId)
    assert.equal(answer.headers.get('in-reply-to'), staffId)
    assert.match(
      answer.headers.get('references') ?? '',
      new RegExp(staffId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    )
    assert.ok(
      answer.recipients.some((to) => to.startsWith('grace-')),
      'to the sender',
    )
  })

  test('resolve with x; filters; Turkish labels', async () => {
    await page.locator('body').click({ position: { x: 700, y: 5 } })
    await page.keyboard.press('x')
    await page.getByRole('article').getByText('Resolved', { exact: true }).waitFor()
    await page.getByRole('button', { name: 'Reopen' }).waitFor()
    await page.getByRole('combobox', { name: /^Viewed/ }).selectOption('false')
    await page.getByText('No contacts match.').waitFor()
    await page.getByRole('button', { name: 'Clear filters' }).click()

    await page.keyboard.press('?')
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'the shortcuts dialog')
    await page.keyboard.press('Escape')

    await page.getByLabel('Language').first().selectOption('tr')
    await page.getByRole('navigation', { name: 'Bölümler' }).waitFor()
    await page.getByRole('link', { name: /Konuşmalar/ }).waitFor()
    await page.getByRole('button', { name: 'Yeniden aç' }).waitFor()
    assert.equal(await page.locator('html').getAttribute('lang'), 'tr')
    assert.deepEqual(await seriousViolations(page), [], 'the Turkish screen')
    await screenshot(page, 'contacts-turkish')
    await page.getByLabel('Dil').first().selectOption('en')
  })

  test('a signed-in customer’s form about an order: its items, the photo previewed, j/k and the subject filter', async () => {
    const alice = await loggedIn(parley, 'alice')
    const fields = {
      subject: String(parley.demo.subjects.order.id),
      full_name: 'Alice Archer',
      email: parley.demo.users.alice.email,
      message: 'The mirror arrived scratched.',
      order: String(parley.demo.orders.alice.id),
    }
    const sent = await alice.post('/users/contact-us/', {
      multipart: { ...fields, file: { filename: 'scratch.png', content: tinyPng(), type: 'image/png' } },
    })
    assert.equal(sent.status, 200, sent.text)
    const list = page.getByRole('list', { name: 'Contact-us forms' })
    await list.getByRole('link', { name: /Alice Archer/ }).waitFor({ timeout: 10_000 })
    await page.locator('body').click({ position: { x: 1300, y: 5 } })
    await page.keyboard.press('k')
    const detail = page.getByRole('article')
    await detail.getByRole('heading', { name: 'Problem with my order' }).waitFor()
    await detail.getByText('#DEMO-ALICE').waitFor()
    const items = detail.getByRole('list', { name: 'Items' })
    assert.deepEqual(await items.getByRole('listitem').allInnerTexts(), [
      'BMW E46 brake pads × 1',
      'BMW E46 side mirror × 1',
    ])
    const preview = detail.getByRole('img', { name: 'scratch.png' })
    await preview.waitFor()
    await page.waitForFunction(() => {
      const image = (
        globalThis as unknown as { document: { querySelector(s: string): { naturalWidth: number } | null } }
      ).document.querySelector('.attachment img')
      return (image?.naturalWidth ?? 0) > 0
    })
    await detail.getByRole('link', { name: 'Download' }).waitFor()
    await screenshot(page, 'contact-order')
    await page.keyboard.press('j')
    await detail.getByRole('heading', { name: 'General question' }).waitFor()

    await page.getByRole('combobox', { name: /^Subject/ }).selectOption({ label: 'Problem with my order' })
    await page.waitForFunction(
      () =>
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }
        ).document.querySelectorAll('.item-list li').length === 1,
    )
    assert.match(await list.innerText(), /Alice Archer/)
    await page.getByRole('button', { name: 'Clear filters' }).click()
  })

  test('an email the SMTP server refused shows failed, and is sent again from the inbox', async () => {
    smtp.refuse(1)
    const form = validForm(parley, { full_name: 'Refused Rita', message: 'Will this reach you?' })
    const guest = await guestBrowser(parley)
    assert.equal((await guest.post('/users/contact-us/', { json: form })).status, 200)
    await page
      .getByRole('list', { name: 'Contact-us forms' })
      .getByRole('link', { name: /Refused Rita/ })
      .click()
    const detail = page.getByRole('article')
    await detail.getByText('Failed', { exact: true }).waitFor({ timeout: 10_000 })
    const before = smtp.received.length
    await detail.getByRole('button', { name: 'Send again' }).click()
    await detail
      .getByRole('complementary')
      .getByText('Delivered', { exact: true })
      .waitFor({ timeout: 10_000 })
    const mails = await smtp.waitFor(before + 1)
    assert.ok(mails.slice(before).some((mail) => mail.raw.includes('Will this reach you?')))
  })

  test('a dropped stream reconnects with Last-Event-ID, and the form sent meanwhile is replayed', async () => {
    const reconnected = page.waitForRequest((request) => request.url().endsWith('/api/events'))
    // Every open stream ends (as when an instance goes away); the sessions stay.
    parley.app.events.endStreamsOf(['*'])
    const guest = await guestBrowser(parley)
    const form = validForm(parley, { full_name: 'Missed Martin', message: 'Sent while you were away.' })
    assert.equal((await guest.post('/users/contact-us/', { json: form })).status, 200)
    const request = await reconnected
    assert.match(
      (await request.allHeaders())['last-event-id'] ?? '',
      /^\d+$/,
      'the reconnection says what it saw last',
    )
    const list = page.getByRole('list', { name: 'Contact-us forms' })
    await list.getByRole('link', { name: /Missed Martin/ }).waitFor({ timeout: 15_000 })
  })
})
