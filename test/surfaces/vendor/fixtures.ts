import { eq } from 'drizzle-orm'
import { products, sellerMembers, sellers } from '../../../src/db/schema/index.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import type { TestApp } from '../../helpers/test-app.ts'

/** A browser-like client of the vendor surface: its CSRF cookie and header. */
export function vendorClient(baseUrl: string) {
  const client = new HttpClient(baseUrl)
  client.csrfCookie = 'CSRF_TOKEN'
  client.csrfHeader = 'X-CSRF-TOKEN'
  return client
}

/** A vendor client logged in as a demo user. */
export async function vendorLogin(parley: TestApp, name: 'alice' | 'bob' | 'seller' | 'staff') {
  const user = parley.demo.users[name]
  const client = vendorClient(parley.baseUrl)
  const response = await client.post('/vendor/auth/login', {
    json: { email: user.email, password: user.password },
  })
  if (response.status !== 200) throw new Error(`vendor login of ${name} failed: ${response.status}`)
  return client
}

/** A new product of the demo seller; unpublished when asked. */
export async function addProduct(parley: TestApp, name: string, fields: { isPublished?: boolean } = {}) {
  const [row] = await parley.db
    .insert(products)
    .values({
      companyId: parley.demo.company.id,
      sellerId: parley.demo.sellers.bmw.id,
      name,
      price: '100.00',
      publishedAt: new Date(),
      ...fields,
    })
    .returning({ id: products.id })
  if (!row) throw new Error('could not insert a product')
  return row.id
}

/** Another seller with one member, logged in on the vendor surface: a stranger to the demo seller's dialogs. */
export async function strangerSeller(parley: TestApp, name: string) {
  const password = `${name}-password`
  const user = await parley.app.domain.accounts.createUser({
    companyId: parley.demo.company.id,
    email: `${name}@parley.test`,
    firstName: name,
    password,
  })
  const [seller] = await parley.db
    .insert(sellers)
    .values({ companyId: parley.demo.company.id, name: `${name} store` })
    .returning({ id: sellers.id })
  if (!seller) throw new Error('could not insert a seller')
  await parley.db.insert(sellerMembers).values({ sellerId: seller.id, userId: user.id })
  const client = vendorClient(parley.baseUrl)
  await client.post('/vendor/auth/login', { json: { email: user.email, password } })
  return client
}

export const setProduct = (parley: TestApp, id: number, fields: Partial<typeof products.$inferInsert>) =>
  parley.db.update(products).set(fields).where(eq(products.id, id))
