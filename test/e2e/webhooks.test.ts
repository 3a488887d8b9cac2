import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { Webhook } from 'standardwebhooks'
import {
  launchBrowser,
  noBrowser,
  openDesktopPage,
  screenshot,
  seriousViolations,
  signIn,
} from '../helpers/browser.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts'

describe('the inbox in a browser: webhook endpoints', { skip: noBrowser }, () => {
  let parley: TestApp
  let receiver: WebhookReceiver
  let browser: Browser
  let context: BrowserContext
  let page: Page

  before(async () => {
    receiver = await startWebhookReceiver()
    parley = await startTestApp({ env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } })
    browser = await launchBrowser()
    ;({ context, page } = await openDesktopPage(browser))
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: parley.baseUrl })
    await signIn(page, parley.baseUrl, parley.demo.users.admin)
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click()
  })
  after(async () => {
    await browser?.close()
    await parley?.close()
    await receiver?.close()
  })

  test('an address the API refuses shows its reason beside the URL field', async () => {
    const form = page.getByRole('form', { name: 'New webhook endpoint' })
    await form.getByRole('textbox', { name: 'Endpoint URL' }).fill('ftp://example.com/hooks')
    await form.getByRole('button', { name: 'Add endpoint' }).click()
    // The API's `url` message sits right under the URL field, not in a list at the foot of the form.
    const urlError = form.locator('label:has(input[type="url"]) + .field-error[role="alert"]')
    await urlError.waitFor()
    assert.match((await urlError.textContent()) ?? '', /\S/)
    assert.equal(await page.getByRole('article').count(), 0, 'nothing was registered')
  })

  test('an admin adds an endpoint, sees its secret once, and a signed test event reaches the receiver', async () => {
    const form = page.getByRole('form', { name: 'New webhook endpoint' })
    await form.getByRole('textbox', { name: 'Endpoint URL' }).fill(receiver.url)
    await form.getByRole('checkbox', { name: 'All events (*)' }).uncheck()
    await form.getByRole('checkbox', { name: 'message.created' }).check()
    await form.getByRole('checkbox', { name: 'contact.created' }).check()
    await form.getByRole('textbox', { name: 'Description' }).fill('Order system')
    await form.getByRole('button', { name: 'Add endpoint' }).click()

    const shown = form.getByRole('status').filter({ hasText: 'you will not see it again' })
    await shown.waitFor()
    const secret = ((await shown.locator('code').textContent()) ?? '').trim()
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/)
    await shown.getByRole('button', { name: 'Copy secret' }).click()
    await shown.getByText('Copied').waitFor()
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), secret)

    const card = page.getByRole('article', { name: receiver.url })
    await card.getByText('Order system').waitFor()
    await card.getByText('message.created, contact.created').waitFor()
    await card.getByText('Enabled', { exact: true }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'the webhooks section with a secret shown')
    await screenshot(page, 'settings-webhooks')

    await shown.getByRole('button', { name: 'I have saved it' }).click()
    await shown.waitFor({ state: 'detached' })
    await page.reload()
    await page.getByRole('article', { name: receiver.url }).waitFor()
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again')

    await card.getByRole('button', { name: `Send test event to ${receiver.url}` }).click()
    await receiver.waitFor(1)
    const [delivered] = receiver.received
    assert.ok(delivered)
    const payload = new Webhook(secret).verify(
      delivered.body,
      delivered.headers as Record<string, string>,
    ) as { type: string }
    assert.equal(payload.type, 'webhook.test')

    await card.getByText('Deliveries', { exact: true }).click()
    const row = card.getByRole('row').filter({ hasText: 'webhook.test' })
    await row.getByRole('cell', { name: 'Succeeded' }).waitFor()
    await row.getByRole('cell', { name: '200' }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'the deliveries table')
    await screenshot(page, 'settings-webhook-deliveries')

    await row.getByRole('button', { name: /^Resend webhook\.test/ }).click()
    await receiver.waitFor(2)
  })

  test('rotating shows the new secret once; disabling and deleting (after confirming) take effect', async () => {
    const card = page.getByRole('article', { name: receiver.url })
    await card.getByRole('button', { name: `Rotate secret of ${receiver.url}` }).click()
    const shown = card.getByRole('status').filter({ hasText: 'you will not see it again' })
    await shown.waitFor()
    assert.match((await shown.locator('code').textContent()) ?? '', /^whsec_/)

    await card.getByRole('button', { name: `Disable ${receiver.url}` }).click()
    await card.getByText('Disabled', { exact: true }).waitFor()

    page.once('dialog', (dialog) => dialog.dismiss())
    await card.getByRole('button', { name: `Delete ${receiver.url}` }).click()
    assert.equal(await card.count(), 1, 'dismissing the confirmation keeps the endpoint')
    page.once('dialog', (dialog) => dialog.accept())
    await card.getByRole('button', { name: `Delete ${receiver.url}` }).click()
    await card.waitFor({ state: 'detached' })
    await page.getByText('No webhook endpoints yet.').waitFor()
  })

  test('the section speaks Turkish', async () => {
    await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('tr')
    await page.getByRole('heading', { name: 'Webhook’lar' }).waitFor()
    const form = page.getByRole('form', { name: 'Yeni webhook uç noktası' })
    await form.getByRole('checkbox', { name: 'Tüm olaylar (*)' }).waitFor()
    await form.getByRole('button', { name: 'Uç nokta ekle' }).waitFor()
  })
})
