import { sellerMembers, sellers } from '../../../src/db/schema/index.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import type { TestApp } from '../../helpers/test-app.ts'

/** A storefront client logged in as a demo user. */
export async function loggedIn(parley: TestApp, name: 'alice' | 'bob' | 'seller' | 'staff') {
  const user = parley.demo.users[name]
  if (!user) throw new Error(`no demo user ${name}`)
  const client = new HttpClient(parley.baseUrl)
  const response = await client.login(user.email, user.password)
  if (response.status !== 200) throw new Error(`login of ${name} failed: ${response.status}`)
  return client
}

/** Another seller with its own member, logged in: someone who must see nothing of the demo seller's talks. */
export async function otherSellerMember(parley: TestApp, name: string) {
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
  const client = new HttpClient(parley.baseUrl)
  await client.login(user.email, password)
  return { client, userId: user.id, sellerId: seller.id }
}

/** The body of a customer's message, to be completed per test. */
export const customerMessage = (userId: number, fields: Record<string, unknown> = {}) => ({
  json: {
    message_content: 'Is this part still available?',
    user_type: 'registered',
    content_type: 'user',
    content_id: userId,
    ...fields,
  },
})

export const sellerMessage = (sellerId: number, fields: Record<string, unknown> = {}) => ({
  json: {
    message_content: 'Yes, it ships tomorrow.',
    user_type: 'registered',
    content_type: 'datasource',
    content_id: sellerId,
    ...fields,
  },
})
