import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { companies, locations } from '../../../src/db/schema/index.ts'
import { HttpClient, type Response, withToken } from '../../helpers/http-client.ts'
import type { TestApp } from '../../helpers/test-app.ts'

/** The fields of a conversation as the shop document shows it, sorted. */
export const CONVERSATION_FIELDS = [
  'archived',
  'companyId',
  'createdDate',
  'customerId',
  'deleted',
  'deletedDate',
  'deletedReason',
  'deletedUserId',
  'id',
  'locationId',
  'updatedDate',
]

/** A shop client with a demo user's bearer key. */
export const shop = (parley: TestApp, name: 'staff' | 'admin' | 'alice' = 'staff') =>
  withToken(parley.baseUrl, parley.demo.users[name].token, 'Bearer')

/** Asserts the shop's error envelope, exactly its five fields. */
export function assertShopError(response: Pick<Response, 'status' | 'body'>, status: number, code: string) {
  assert.equal(response.status, status, JSON.stringify(response.body))
  assert.deepEqual(Object.keys(response.body).sort(), [
    'code',
    'data',
    'documentation_url',
    'message',
    'success',
  ])
  assert.equal(response.body.success, false)
  assert.equal(response.body.code, code)
  assert.equal(typeof response.body.message, 'string')
  assert.notEqual(response.body.message, '')
  assert.equal(typeof response.body.documentation_url, 'string')
}

/** Opens a conversation with a demo customer through the shop surface and returns its data object. */
export async function openConversation(
  parley: TestApp,
  customer: 'alice' | 'bob' = 'alice',
  fields: Record<string, unknown> = {},
) {
  const response = await shop(parley).post('/v3/conversation', {
    json: { customerId: String(parley.demo.users[customer].id), ...fields },
  })
  assert.equal(response.status, 200, JSON.stringify(response.body))
  return response.body.data as Record<string, string | boolean | null>
}

/** A storefront client logged in as a demo customer. */
export async function customerSession(parley: TestApp, name: 'alice' | 'bob') {
  const user = parley.demo.users[name]
  const client = new HttpClient(parley.baseUrl)
  const login = await client.login(user.email, user.password)
  assert.equal(login.status, 200)
  return client
}

/** A second tenant made directly in the database: its location, a staff user with a bearer key, a customer. */
export async function otherCompany(parley: TestApp) {
  const slug = `other-${randomUUID()}`
  const [company] = await parley.db
    .insert(companies)
    .values({ name: 'Other shop', slug, hosts: [`${slug}.test`] })
    .returning({ id: companies.id })
  if (!company) throw new Error('could not insert a company')
  const [location] = await parley.db
    .insert(locations)
    .values({ companyId: company.id, name: 'Other branch' })
    .returning({ id: locations.id })
  if (!location) throw new Error('could not insert a location')
  const accounts = parley.app.domain.accounts
  const staff = await accounts.createUser({ companyId: company.id, email: 'staff@other.test', isStaff: true })
  const customer = await accounts.createUser({ companyId: company.id, email: 'customer@other.test' })
  return {
    companyId: company.id,
    locationId: location.id,
    customerId: customer.id,
    client: withToken(parley.baseUrl, await accounts.createApiKey(staff.id, 'test'), 'Bearer'),
  }
}
