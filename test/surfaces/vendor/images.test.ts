import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import { removeBlobHolding } from '../../helpers/blobs.ts'
import type { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'
import { addProduct, strangerSeller, vendorLogin } from './fixtures.ts'

let parley: TestApp
let alice: HttpClient
let seller: HttpClient
let dialogId: number

before(async () => {
  parley = await startTestApp()
  alice = await vendorLogin(parley, 'alice')
  seller = await vendorLogin(parley, 'seller')
  const productId = await addProduct(parley, 'Photographed part')
  const opened = await alice.post('/vendor/conversations', {
    json: { product_id: productId, message: 'Photo?' },
  })
  dialogId = opened.body.data.id
})
after(() => parley.close())

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 7),
])
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.alloc(4),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(32, 1),
])

const sendImage = (
  client: HttpClient,
  content: Buffer,
  filename: string,
  fields: Record<string, string> = {},
) =>
  client.post(`/vendor/conversations/${dialogId}/messages`, {
    multipart: { ...fields, image: { filename, content, type: 'image/png' } },
  })

test('an image is stored and served to both parties from image_url, with its type', async () => {
  const sent = await sendImage(seller, PNG, 'part.png', { text: 'Here it is' })
  assert.equal(sent.status, 201)
  const message = sent.body.data
  assert.equal(message.text, 'Here it is')
  assert.equal(message.image_url, `/vendor/conversations/${dialogId}/messages/${message.id}/image`)
  for (const party of [alice, seller]) {
    const image = await party.get(message.image_url)
    assert.equal(image.status, 200)
    assert.equal(image.headers.get('content-type'), 'image/png')
    assert.match(image.headers.get('cache-control') ?? '', /private/)
  }
  const bytes = await fetch(new URL(message.image_url, parley.baseUrl), {
    headers: alice.cookieHeader(),
  })
  assert.deepEqual(Buffer.from(await bytes.arrayBuffer()), PNG)
  const listed = await alice.get(`/vendor/conversations/${dialogId}/messages`)
  assert.equal(listed.body.data.at(-1).image_url, message.image_url)
})

test('an image alone is a message; a WebP is recognised by its content whatever its name', async () => {
  const sent = await sendImage(alice, WEBP, 'photo.bin')
  assert.equal(sent.status, 201)
  assert.equal(sent.body.data.text, '')
  const image = await seller.get(sent.body.data.image_url)
  assert.equal(image.headers.get('content-type'), 'image/webp')
})

test('anything but JPEG, PNG or WebP content is refused with 422 on image, even named .png', async () => {
  const gif = await sendImage(alice, Buffer.from('GIF89a-not-allowed'), 'anim.gif')
  assert.equal(gif.status, 422)
  assert.deepEqual(gif.body.error.fields, { image: ['Upload a JPEG, PNG or WebP image.'] })
  const disguised = await sendImage(alice, Buffer.from('<script>alert(1)</script>'), 'evil.png')
  assert.equal(disguised.status, 422)
  assert.deepEqual(disguised.body.error.fields, { image: ['Upload a JPEG, PNG or WebP image.'] })
})

/** "at most 5 MB", as the route's OpenAPI description says: written here, not imported, so it cannot drift. */
const DOCUMENTED_IMAGE_MAX_BYTES = 5 * 1024 * 1024
const pngOfSize = (bytes: number) => Buffer.concat([PNG, randomBytes(bytes - PNG.length)])

test('an image of exactly the documented limit is posted, and served byte for byte', async () => {
  const largest = pngOfSize(DOCUMENTED_IMAGE_MAX_BYTES)
  const response = await sendImage(alice, largest, 'largest.png')
  assert.equal(response.status, 201)
  const stored = await fetch(new URL(response.body.data.image_url, parley.baseUrl), {
    headers: alice.cookieHeader(),
  })
  assert.equal(stored.status, 200)
  assert.equal(stored.headers.get('content-length'), String(DOCUMENTED_IMAGE_MAX_BYTES))
  assert.ok(Buffer.from(await stored.arrayBuffer()).equals(largest), 'stored and served whole')
})

test('an image one byte over the size limit is refused with 422, and nothing is posted', async () => {
  const before = await alice.get(`/vendor/conversations/${dialogId}`)
  const big = pngOfSize(DOCUMENTED_IMAGE_MAX_BYTES + 1)
  const response = await sendImage(alice, big, 'huge.png', { text: 'too big' })
  assert.equal(response.status, 422)
  assert.deepEqual(response.body.error.fields, { image: ['Ensure this image is no larger than 5 MB.'] })
  const after = await alice.get(`/vendor/conversations/${dialogId}`)
  assert.equal(after.body.data.last_message.id, before.body.data.last_message.id)
})

test('a message with neither text nor image is a 422 on text', async () => {
  const response = await alice.post(`/vendor/conversations/${dialogId}/messages`, { json: { text: '  ' } })
  assert.equal(response.status, 422)
  assert.deepEqual(response.body.error.fields, { text: ['This field may not be blank.'] })
})

test('someone outside the dialog cannot fetch its images, nor can an anonymous client', async () => {
  const sent = await sendImage(seller, PNG, 'secret.png')
  const stranger = await strangerSeller(parley, 'peeker')
  const refused = await stranger.get(sent.body.data.image_url)
  assert.equal(refused.status, 404)
  assert.equal(refused.body.error.code, 'not_found')
  const anonymous = await fetch(new URL(sent.body.data.image_url, parley.baseUrl))
  assert.equal(anonymous.status, 401)
  const noImage = await alice.get(`/vendor/conversations/${dialogId}/messages`)
  const textOnly = noImage.body.data.find((message: { image_url: string | null }) => !message.image_url)
  const missing = await alice.get(`/vendor/conversations/${dialogId}/messages/${textOnly.id}/image`)
  assert.equal(missing.status, 404)
})

test("an image whose file is gone from the data folder is a 404 in the surface's shape", async () => {
  const content = Buffer.concat([PNG, randomBytes(32)])
  const sent = await sendImage(seller, content, 'lost.png')
  await removeBlobHolding(parley.dataDir, content)
  const lost = await alice.get(sent.body.data.image_url)
  assert.equal(lost.status, 404)
  assert.equal(lost.body.error.code, 'not_found')
})
