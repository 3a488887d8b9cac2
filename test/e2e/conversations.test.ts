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
import { type HttpClient, withToken } from '../helpers/http-client.ts'
import { openEventStream } from '../helpers/sse-client.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { tinyPng } from '../helpers/tiny-png.ts'
import { loggedIn } from '../surfaces/storefront/conversations-fixtures.ts'
import { vendorLogin } from '../surfaces/vendor/fixtures.ts'

type Item = { id: number; unread_count: number; archived: boolean; assignee: { id: number } | null }

describe('the inbox in a browser: conversations', { skip: noBrowser }, () => {
  let parley: TestApp
  let browser: Browser
  let page: Page
  let alice: HttpClient
  let dialog: number

  before(async () => {
    parley = await startTestApp()
    browser = await launchBrowser()
    ;({ page } = await openDesktopPage(browser))
    // Alice asks the demo seller about the brake pads on the vendor surface.
    alice = await vendorLogin(parley, 'alice')
    const created = await alice.post('/vendor/conversations', {
      json: { product_id: parley.demo.products.brakes.id, message: 'Do these fit a 2004 E46 touring?' },
    })
    assert.equal(created.status, 201, created.text)
    dialog = created.body.data.id
    await signIn(page, parley.baseUrl, parley.demo.users.staff)
    await page.getByRole('navigation', { name: 'Sections' }).waitFor()
  })
  /** The staff API as the signed-in page calls it (its session cookie). */
  const staffGet = <T>(path: string) =>
    page.evaluate(async (url) => (await fetch(url)).json(), path) as Promise<T>

  after(async () => {
    await browser?.close()
    await parley?.close()
  })

  test('the list shows the unread conversation first; opening it reads it', async () => {
    await page.getByRole('link', { name: /^Conversations/ }).click()
    const list = page.getByRole('list', { name: 'Conversations' })
    const row = list.getByRole('link', { name: /Alice Archer/ })
    await row.waitFor()
    assert.match(await row.innerText(), /1 unread/)
    await page.getByText('1 unread', { exact: true }).first().waitFor()
    assert.match(await page.title(), /^\(1\) /)
    assert.deepEqual(await seriousViolations(page), [], 'the conversations list')
    await screenshot(page, 'conversations-list')

    await row.click()
    const thread = page.getByRole('article')
    await thread.getByText('Do these fit a 2004 E46 touring?').waitFor()
    await thread.getByText('BMW E46 brake pads').first().waitFor()
    await thread.getByRole('list', { name: 'Messages' }).getByText('Customer', { exact: true }).waitFor()
    await list
      .getByRole('link', { name: /Alice Archer/ })
      .filter({ hasNotText: 'unread' })
      .waitFor()
    const staff = await staffGet<Item>(`/api/conversations/${dialog}/`)
    assert.equal(staff.unread_count, 0, 'the API agrees: read by staff')
  })

  test('a staff reply reaches the customer unread on /users/conversations/ and /vendor/, and the seller', async () => {
    const storefront = await loggedIn(parley, 'alice')
    const events = await openEventStream(
      `${parley.baseUrl}/users/events?last_event_id=0`,
      storefront.cookieHeader(),
    )
    await page.keyboard.press('r')
    await page.getByRole('textbox', { name: 'Reply' }).fill('Yes: every E46, saloon and touring.')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    const sent = page
      .getByRole('article')
      .getByRole('listitem')
      .filter({ hasText: 'every E46, saloon and touring' })
    await sent.getByText('Staff', { exact: true }).waitFor()

    const thread = await storefront.get(`/users/conversations/${dialog}/`)
    assert.equal(thread.status, 200)
    assert.deepEqual(
      thread.body.message_set.map((message: { message_content: string }) => message.message_content),
      ['Do these fit a 2004 E46 touring?', 'Yes: every E46, saloon and touring.'],
    )
    const unreadForAlice = (event: { event: string; data: { data: Record<string, unknown> } }) =>
      event.event === 'conversation.updated' &&
      event.data.data.conversation_id === dialog &&
      event.data.data.unread_count === 1
    const deadline = Date.now() + 10_000
    while (!events.events.some(unreadForAlice)) {
      assert.ok(Date.now() < deadline, 'the storefront did not tell Alice of an unread message')
      await events.next(events.events.length + 1).catch(() => undefined)
    }
    await events.close()
    const buyerDialogs = await alice.get('/vendor/conversations?limit=100')
    assert.equal(buyerDialogs.body.data.find((one: { id: number }) => one.id === dialog).unread_count, 1)
    const seller = await vendorLogin(parley, 'seller')
    const sellerView = await seller.get(`/vendor/conversations/${dialog}/messages`)
    assert.ok(
      sellerView.body.data.some((message: { text: string }) => message.text.includes('saloon and touring')),
    )
  })

  test('a customer reply appears live in the open thread', async () => {
    const reply = await alice.post(`/vendor/conversations/${dialog}/messages`, {
      multipart: {
        text: 'Great, ordering two sets.',
        image: { filename: 'car.png', content: tinyPng(), type: 'image/png' },
      },
    })
    assert.equal(reply.status, 201, reply.text)
    await page.getByRole('article').getByText('Great, ordering two sets.').waitFor({ timeout: 10_000 })
    const image = page.getByRole('article').getByRole('img', { name: 'Image sent by Alice Archer' })
    await image.waitFor()
    // Drawn: the staff session may read the customer's image. Visible comes before loaded: wait for the load.
    const drawnWidth = await image.evaluate(
      (element) =>
        new Promise<number>((resolve) => {
          const img = element as unknown as {
            complete: boolean
            naturalWidth: number
            addEventListener(type: string, listener: () => void): void
          }
          if (img.complete) resolve(img.naturalWidth)
          img.addEventListener('load', () => resolve(img.naturalWidth))
          img.addEventListener('error', () => resolve(0))
        }),
    )
    assert.ok(drawnWidth > 0, 'the image loads')
    assert.deepEqual(await seriousViolations(page), [], 'the thread')
    await screenshot(page, 'conversation-thread')
  })

  test('a conversation the shop API opened without a customer reads "No customer"', async () => {
    const shop = withToken(parley.baseUrl, parley.demo.users.staff.token, 'Bearer')
    const opened = await shop.post('/v3/conversation', { json: {} })
    assert.equal(opened.status, 200, opened.text)
    const id = opened.body.data.id
    const note = await shop.post(`/v3/conversation/${id}/message`, { json: { text: 'Count the E46 pads.' } })
    assert.equal(note.status, 200, note.text)
    await page.goto(`${parley.baseUrl}/inbox/conversations/${id}`)
    const row = page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /No customer/ })
    await row.waitFor()
    const thread = page.getByRole('article')
    await thread.getByText('Count the E46 pads.').waitFor()
    await thread.getByRole('complementary').getByText('No customer', { exact: true }).waitFor()
    assert.deepEqual(await seriousViolations(page), [], 'a thread without a customer')
    await page.goto(`${parley.baseUrl}/inbox/conversations/${dialog}`)
    await thread.getByText('Great, ordering two sets.').waitFor()
  })

  test('an internal note, assignment, archive with e, and delete with a reason', async () => {
    const thread = page.getByRole('article')
    await thread.getByRole('tab', { name: 'Internal note' }).click()
    await thread.getByRole('textbox', { name: 'Internal note' }).fill('VIP customer: ship express.')
    await thread.getByRole('button', { name: 'Add note' }).click()
    await thread.getByRole('complementary').getByText('VIP customer: ship express.').waitFor()
    await thread.getByRole('combobox', { name: /^Assignee/ }).selectOption({ label: 'Sam Staff' })
    await page.getByRole('list', { name: 'Conversations' }).first().getByText('Sam Staff').first().waitFor()

    await page.locator('body').click({ position: { x: 1300, y: 5 } })
    await page.keyboard.press('e')
    await thread.getByRole('button', { name: 'Unarchive' }).waitFor()
    const archived = await staffGet<Item>(`/api/conversations/${dialog}/`)
    assert.equal(archived.archived, true)
    assert.equal(archived.assignee?.id, parley.demo.users.staff.id)

    await thread.getByRole('button', { name: 'Delete' }).click()
    const confirm = page.getByRole('dialog', { name: 'Delete this conversation?' })
    assert.deepEqual(await seriousViolations(page), [], 'the delete dialog')
    await confirm.getByRole('textbox').fill('Spam')
    await confirm.getByRole('button', { name: 'Delete' }).click()
    await page.getByText('Choose a conversation to open its thread.').waitFor()
    const list = await staffGet<{ results: Item[] }>('/api/conversations/?status=deleted')
    assert.deepEqual(
      list.results.map((one) => one.id),
      [dialog],
    )
  })
})
