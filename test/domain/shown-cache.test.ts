import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { eq, sql } from 'drizzle-orm'
import { products, sellers, users } from '../../src/db/schema/index.ts'
import {
  createShownCache,
  itemKey,
  show,
  type Wanted,
} from '../../src/domain/conversations/queries/shown-cache.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { principals } from './conversations-helpers.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const wanting = (parts: Partial<Wanted>): Wanted => ({
  users: parts.users ?? new Set(),
  sellers: parts.sellers ?? new Set(),
  items: parts.items ?? new Set(),
})

const rename = {
  user: (id: number, firstName: string) => parley.db.update(users).set({ firstName }).where(eq(users.id, id)),
  seller: (id: number, name: string) => parley.db.update(sellers).set({ name }).where(eq(sellers.id, id)),
  product: (id: number, name: string) => parley.db.update(products).set({ name }).where(eq(products.id, id)),
}

/** Asks until `read` gives `expected`, for at most five seconds; returns the last answer. */
async function eventually<T>(read: () => Promise<T>, expected: T) {
  const giveUpAt = Date.now() + 5_000
  let value = await read()
  while (value !== expected && Date.now() < giveUpAt) {
    await delay(20)
    value = await read()
  }
  return value
}

test('a record read once is shown from memory until a notification names it', async () => {
  const cache = createShownCache()
  cache.enable()
  const alice = parley.demo.users.alice
  assert.ok(alice)
  const wanted = wanting({ users: new Set([alice.id]) })
  assert.equal((await cache.show(parley.db, wanted)).users.get(alice.id)?.firstName, 'Alice')

  // This cache listens to nothing: only its own forget can tell it of the change.
  await rename.user(alice.id, 'Alicia')
  assert.equal((await cache.show(parley.db, wanted)).users.get(alice.id)?.firstName, 'Alice')
  cache.forget(`seller:1 user:${alice.id}`)
  assert.equal((await cache.show(parley.db, wanted)).users.get(alice.id)?.firstName, 'Alicia')
  await rename.user(alice.id, 'Alice')
})

test("a seller's or product's notification drops the items that show it; * drops everything", async () => {
  const cache = createShownCache()
  cache.enable()
  const { brakes } = parley.demo.products
  const bmw = parley.demo.sellers.bmw.id
  const wanted = wanting({ sellers: new Set([bmw]), items: new Set([itemKey('product', brakes.id)]) })
  const itemName = async () => {
    const item = (await cache.show(parley.db, wanted)).items.get(itemKey('product', brakes.id))
    return item?.product.name
  }
  const sellerName = async () => (await cache.show(parley.db, wanted)).sellers.get(bmw)?.name
  const [product] = await parley.db.select().from(products).where(eq(products.id, brakes.id))
  assert.ok(product)
  assert.equal(await itemName(), product.name)

  await rename.product(brakes.id, 'Brake pads, ceramic')
  assert.equal(await itemName(), product.name)
  cache.forget(`seller:${bmw}`)
  assert.equal(await itemName(), 'Brake pads, ceramic')

  await rename.product(brakes.id, 'Brake pads, sintered')
  cache.forget(`product:${brakes.id}`)
  assert.equal(await itemName(), 'Brake pads, sintered')

  const seller = await sellerName()
  await rename.seller(bmw, 'Bavarian Parts')
  assert.equal(await sellerName(), seller)
  cache.forget('*')
  assert.equal(await sellerName(), 'Bavarian Parts')
  await rename.seller(bmw, seller ?? '')
  await rename.product(brakes.id, product.name)
})

test('a read that raced a notification is shown but not kept, and a disabled cache keeps nothing', async () => {
  const cache = createShownCache()
  cache.enable()
  const bob = parley.demo.users.bob
  assert.ok(bob)
  const wanted = wanting({ users: new Set([bob.id]) })
  const racing = cache.show(parley.db, wanted)
  cache.forget(`user:${bob.id}`)
  assert.equal((await racing).users.get(bob.id)?.firstName, 'Bob')
  await rename.user(bob.id, 'Robert')
  assert.equal((await cache.show(parley.db, wanted)).users.get(bob.id)?.firstName, 'Robert')

  cache.disable()
  await rename.user(bob.id, 'Bob')
  assert.equal((await cache.show(parley.db, wanted)).users.get(bob.id)?.firstName, 'Bob')
  await rename.user(bob.id, 'Bobby')
  assert.equal((await cache.show(parley.db, wanted)).users.get(bob.id)?.firstName, 'Bobby')
  await rename.user(bob.id, 'Bob')
})

test('a record that does not exist is absent, and each kind holds at most maxEntries', async () => {
  const cache = createShownCache({ maxEntries: 1 })
  cache.enable()
  const { alice, bob } = parley.demo.users
  assert.ok(alice && bob)
  const shown = await cache.show(parley.db, wanting({ users: new Set([alice.id, 987_654_321]) }))
  assert.deepEqual([...shown.users.keys()], [alice.id])

  // Alice went when Bob came: a change to her is read again though nothing named her.
  await cache.show(parley.db, wanting({ users: new Set([bob.id]) }))
  await rename.user(alice.id, 'Alice B.')
  const again = await cache.show(parley.db, wanting({ users: new Set([alice.id]) }))
  assert.equal(again.users.get(alice.id)?.firstName, 'Alice B.')
  await rename.user(alice.id, 'Alice')
})

test("the app's views are held in memory, and show a change made straight in the database once notified", async () => {
  const { alice } = principals(parley)
  const engine = parley.app.domain.conversations
  const { mirror } = parley.demo.products
  const start = await engine.startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    itemType: 'product',
    itemId: mirror.id,
    text: 'Does it fit a 2019 model?',
  })
  const viewedName = async () => {
    const { conversation } = await engine.getConversationWithMessages(alice, start.conversationId, {
      limit: 10,
    })
    return conversation.item?.product.name
  }
  const dialogName = async () => {
    const { items } = await parley.app.domain.dialogs.listDialogs(alice, { limit: 50 })
    return items.find((dialog) => dialog.conversation.id === start.conversationId)?.conversation.item?.product
      .name
  }
  // The conversation's view and the vendor's dialog list show the same held product.
  const itemName = async () => {
    const [viewed, listed] = await Promise.all([viewedName(), dialogName()])
    return viewed === listed ? viewed : `${viewed} (viewed) / ${listed} (listed)`
  }
  const before = await itemName()
  assert.equal(before, 'BMW E46 side mirror')
  // A change that bypasses the triggers is not heard of: the view keeps showing what the app holds.
  await parley.db.execute(sql`alter table products disable trigger products_updated_shown`)
  try {
    await rename.product(mirror.id, 'Side mirror, folding')
  } finally {
    await parley.db.execute(sql`alter table products enable trigger products_updated_shown`)
  }
  assert.equal(await itemName(), before)
  await rename.product(mirror.id, 'Side mirror, heated')
  assert.equal(await eventually(itemName, 'Side mirror, heated'), 'Side mirror, heated')
  await rename.product(mirror.id, before)
  assert.equal(await eventually(itemName, before), before)
})

test("a catalog sync's change is shown by the instance that wrote it at once", async () => {
  const { alice, staff } = principals(parley)
  const engine = parley.app.domain.conversations
  const bmw = parley.demo.sellers.bmw.id
  const start = await engine.startConversation(alice, {
    sender: { as: 'user', userId: alice.userId },
    sellerId: bmw,
    text: 'Do you ship abroad?',
  })
  const sellerName = async () =>
    (await engine.getConversationWithMessages(alice, start.conversationId, { limit: 10 })).conversation.seller
      ?.name
  const before = await sellerName()
  const [row] = await parley.db.select().from(sellers).where(eq(sellers.id, bmw))
  assert.ok(row?.externalId && before)
  await parley.app.domain.catalogSync.sellers(staff, [
    { externalId: row.externalId, name: 'BMW Parts, Munich' },
  ])
  assert.equal(await sellerName(), 'BMW Parts, Munich')
  await parley.app.domain.catalogSync.sellers(staff, [{ externalId: row.externalId, name: before }])
  assert.equal(await sellerName(), before)
})

test("a session read from the database holds its user's shown record, so the user's first page need not read it", async () => {
  const accounts = parley.app.domain.accounts
  const companyId = parley.demo.company.id
  const email = `first-page-${crypto.randomUUID()}@parley.test`
  await accounts.createUser({ companyId, email, firstName: 'Ada', password: 'first-page-password' })
  const { token, user } = await accounts.login(companyId, email, 'first-page-password')
  assert.equal((await accounts.principalOfSession(token))?.userId, user.id)
  // Renamed behind the cache's back: a read of the record would now find the new name.
  await parley.db.execute(sql`alter table users disable trigger users_updated_shown`)
  try {
    await rename.user(user.id, 'Grace')
  } finally {
    await parley.db.execute(sql`alter table users enable trigger users_updated_shown`)
  }
  const shown = await show(parley.db, wanting({ users: new Set([user.id]) }))
  assert.equal(shown.users.get(user.id)?.firstName, 'Ada')
})
