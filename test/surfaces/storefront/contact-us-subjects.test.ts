import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp()
})
after(() => parley.close())

async function subjectsIn(acceptLanguage?: string) {
  const client = new HttpClient(parley.baseUrl)
  const headers: Record<string, string> = acceptLanguage ? { 'accept-language': acceptLanguage } : {}
  const response = await client.get('/users/contact-us-subjects/', { headers })
  assert.equal(response.status, 200)
  return response.body as { id: number; text: string; is_order_needed: boolean }[]
}

const english = () => [
  { id: parley.demo.subjects.general.id, text: 'General question', is_order_needed: false },
  { id: parley.demo.subjects.order.id, text: 'Problem with my order', is_order_needed: true },
]

test('subjects are listed in Turkish for `tr`', async () => {
  assert.deepEqual(await subjectsIn('tr'), [
    { id: parley.demo.subjects.general.id, text: 'Genel soru', is_order_needed: false },
    { id: parley.demo.subjects.order.id, text: 'Siparişimle ilgili sorun', is_order_needed: true },
  ])
})

test('a regional tag matches its language: `tr-TR` is Turkish', async () => {
  const [general] = await subjectsIn('tr-TR,tr;q=0.9,en;q=0.8')
  assert.equal(general?.text, 'Genel soru')
})

test('quality values rank the languages', async () => {
  const [general] = await subjectsIn('tr;q=0.5, en;q=0.9')
  assert.equal(general?.text, 'General question')
})

test('English for `en`; an unknown or missing language falls back to the default language', async () => {
  assert.deepEqual(await subjectsIn('en-US'), english())
  assert.deepEqual(await subjectsIn('xx'), english())
  assert.deepEqual(await subjectsIn(), english())
})

test('the trailing slash is optional', async () => {
  const response = await new HttpClient(parley.baseUrl).get('/users/contact-us-subjects')
  assert.equal(response.status, 200)
  assert.equal(response.body.length, 2)
})
