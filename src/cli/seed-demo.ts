import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import {
  companies,
  contactSubjects,
  locations,
  orderItems,
  orders,
  products,
  sellerMembers,
  sellers,
  users,
} from '../db/schema/index.ts'
import { hashPassword } from '../domain/accounts/secrets.ts'
import type { Domain } from '../domain/create-domain.ts'
import { settingsRepository } from '../domain/settings/settings-repository.ts'

type DemoUser = { id: number; email: string; password: string; token: string }

const people = {
  admin: { firstName: 'Ada', lastName: 'Admin', isStaff: true, isSuperuser: true },
  staff: { firstName: 'Sam', lastName: 'Staff', isStaff: true, isSuperuser: false },
  alice: { firstName: 'Alice', lastName: 'Archer', isStaff: false, isSuperuser: false },
  bob: { firstName: 'Bob', lastName: 'Baker', isStaff: false, isSuperuser: false },
  seller: { firstName: 'Selim', lastName: 'Seller', isStaff: false, isSuperuser: false },
} as const

const subjects = {
  general: { texts: { en: 'General question', tr: 'Genel soru' }, isOrderNeeded: false, position: 1 },
  order: {
    texts: { en: 'Problem with my order', tr: 'Siparişimle ilgili sorun' },
    isOrderNeeded: true,
    position: 2,
  },
} as const

const demoId = (name: string) => `demo-${name}`

async function upsertUser(db: Db, companyId: number, name: keyof typeof people) {
  const email = `${name}@parley.test`
  const password = `${name}-password`
  const [row] = await db
    .insert(users)
    .values({
      companyId,
      externalId: demoId(name),
      email,
      passwordHash: await hashPassword(password),
      ...people[name],
    })
    .onConflictDoUpdate({
      target: [users.companyId, users.externalId],
      set: { email, passwordHash: sql`excluded.password_hash`, isActive: true },
    })
    .returning({ id: users.id })
  if (!row) throw new Error(`could not upsert ${name}`)
  return { id: row.id, email, password }
}

async function upsertProduct(
  db: Db,
  companyId: number,
  sellerId: number,
  name: string,
  title: string,
  price: string,
) {
  const [row] = await db
    .insert(products)
    .values({ companyId, sellerId, externalId: demoId(name), name: title, price, publishedAt: new Date() })
    .onConflictDoUpdate({ target: [products.companyId, products.externalId], set: { sellerId, name: title } })
    .returning({ id: products.id })
  if (!row) throw new Error(`could not upsert ${name}`)
  return row.id
}

async function upsertOrder(
  db: Db,
  companyId: number,
  customerId: number,
  name: string,
  productIds: number[],
) {
  const [order] = await db
    .insert(orders)
    .values({ companyId, customerId, externalId: demoId(name), number: `DEMO-${name.toUpperCase()}` })
    .onConflictDoUpdate({ target: [orders.companyId, orders.externalId], set: { customerId } })
    .returning({ id: orders.id })
  if (!order) throw new Error(`could not upsert order ${name}`)
  const items = []
  for (const [index, productId] of productIds.entries()) {
    const [item] = await db
      .insert(orderItems)
      .values({ orderId: order.id, productId, externalId: demoId(`${name}-${index}`) })
      .onConflictDoUpdate({ target: [orderItems.orderId, orderItems.externalId], set: { productId } })
      .returning({ id: orderItems.id, product_id: orderItems.productId })
    if (item) items.push(item)
  }
  return { id: order.id, items }
}

async function upsertSubject(db: Db, companyId: number, name: keyof typeof subjects) {
  const subject = subjects[name]
  const [existing] = await db
    .select({ id: contactSubjects.id })
    .from(contactSubjects)
    .where(
      and(
        eq(contactSubjects.companyId, companyId),
        sql`${contactSubjects.texts}->>'en' = ${subject.texts.en}`,
      ),
    )
  if (existing) return existing.id
  const [row] = await db
    .insert(contactSubjects)
    .values({
      companyId,
      texts: subject.texts,
      isOrderNeeded: subject.isOrderNeeded,
      position: subject.position,
    })
    .returning({ id: contactSubjects.id })
  if (!row) throw new Error(`could not insert subject ${name}`)
  return row.id
}

/**
 * A small shop to try Parley with. Idempotent: a second run keeps every id and only makes fresh API keys,
 * which are shown once and stored hashed like any other.
 */
export async function seedDemo(db: Db, domain: Domain, progress: (step: string) => void = () => {}) {
  const [company] = await db.select({ id: companies.id }).from(companies).where(eq(companies.slug, 'default'))
  if (!company) throw new Error('the default company is missing: run migrate first')
  const [location] = await db
    .select({ id: locations.id })
    .from(locations)
    .where(eq(locations.companyId, company.id))
  if (!location) throw new Error('the default company has no location')
  const companyId = company.id

  progress('users and their API keys (admin, staff, alice, bob, seller)')
  const demoUser = async (name: keyof typeof people): Promise<DemoUser> => {
    const user = await upsertUser(db, companyId, name)
    return { ...user, token: await domain.accounts.createApiKey(user.id, 'seed-demo') }
  }
  const demoUsers = {
    admin: await demoUser('admin'),
    staff: await demoUser('staff'),
    alice: await demoUser('alice'),
    bob: await demoUser('bob'),
    seller: await demoUser('seller'),
  }
  const sellerUser = demoUsers.seller
  progress('the seller and its products')
  const [seller] = await db
    .insert(sellers)
    .values({
      companyId,
      externalId: demoId('bmw'),
      name: 'BMW Parts Store',
      rating: '4.85',
      reviewsCount: 127,
    })
    .onConflictDoUpdate({ target: [sellers.companyId, sellers.externalId], set: { name: 'BMW Parts Store' } })
    .returning({ id: sellers.id })
  if (!seller) throw new Error('could not upsert the seller')
  await db.insert(sellerMembers).values({ sellerId: seller.id, userId: sellerUser.id }).onConflictDoNothing()

  const brakes = await upsertProduct(db, companyId, seller.id, 'brakes', 'BMW E46 brake pads', '2500.00')
  const mirror = await upsertProduct(db, companyId, seller.id, 'mirror', 'BMW E46 side mirror', '4200.00')
  await db
    .update(sellers)
    .set({ productsCount: sql`(select count(*) from ${products} where ${products.sellerId} = ${seller.id})` })
    .where(eq(sellers.id, seller.id))

  progress('orders for alice and bob')
  const aliceOrder = await upsertOrder(db, companyId, demoUsers.alice.id, 'alice', [brakes, mirror])
  const bobOrder = await upsertOrder(db, companyId, demoUsers.bob.id, 'bob', [mirror])
  const admin = demoUsers.admin
  progress('contact-us recipients and subjects')
  await settingsRepository.upsert(
    db,
    companyId,
    'CONTACT_US_EMAIL_TO',
    { default: ['support@parley.test'], order: ['orders@parley.test'] },
    admin.id,
  )

  const subjectIds = {
    general: { id: await upsertSubject(db, companyId, 'general') },
    order: { id: await upsertSubject(db, companyId, 'order') },
  }
  progress('done')
  return {
    company: { id: companyId },
    location: { id: location.id },
    users: demoUsers,
    sellers: { bmw: { id: seller.id } },
    products: { brakes: { id: brakes }, mirror: { id: mirror } },
    orders: { alice: aliceOrder, bob: bobOrder },
    subjects: subjectIds,
  }
}

export type DemoData = Awaited<ReturnType<typeof seedDemo>>
