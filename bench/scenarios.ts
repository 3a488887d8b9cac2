import {
  conversationOf,
  customerOfConversation,
  type Fixture,
  memberOfSeller,
  productOfConversation,
  sellerOfProduct,
  sessionToken,
} from './shape.ts'
import type { ReceiverMode } from './webhooks.ts'

export type BenchRequest = {
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

/** Builds the n-th request of a run: consecutive requests go to different users and conversations. */
export type RequestPlan = (fixture: Fixture, n: number) => BenchRequest

export type Scenario = {
  name: string
  kind: 'read' | 'write'
  parley: RequestPlan
  /** The floor server's request doing the same SQL; a scenario without one is compared to `floorOf`'s. */
  floor?: RequestPlan
  floorOf?: string
  /** The SMTP sink refuses every email (451) while this scenario runs. */
  smtpRefusing?: boolean
  /** A webhook endpoint for `message.created` is registered while it runs, its receiver answering or not. */
  webhookReceiver?: ReceiverMode
}

const CSRF = 'benchcsrf0123456789abcdefghijklmn'
const JSON_TYPE = { 'content-type': 'application/json' }

/** Spreads request n over `count` values (a multiplicative hash), so neighbours differ. */
const spread = (n: number, count: number, salt = 0) => (Math.imul(n + 1 + salt, 2654435761) >>> 0) % count

const storefront = (fixture: Fixture, userId: number) => ({
  cookie: `sessionid=${sessionToken(fixture, userId)}; csrftoken=${CSRF}`,
  'x-csrftoken': CSRF,
})
const vendor = (fixture: Fixture, userId: number) => ({
  cookie: `PARTIZAP_SESSION=${sessionToken(fixture, userId)}; CSRF_TOKEN=${CSRF}`,
  'x-csrf-token': CSRF,
})

const customerOf = (fixture: Fixture, n: number) => spread(n, fixture.shape.customers) + 1

/** Any conversation of the customer of request n, the shop's staff's included. */
const ownConversation = (fixture: Fixture, n: number) =>
  conversationOf(fixture.shape, customerOf(fixture, n), spread(n, fixture.shape.conversationsPerCustomer, 7))

/** A conversation with a seller (not one with the shop's staff), with its customer and seller. */
function sellerConversation(fixture: Fixture, n: number) {
  const { shape } = fixture
  const id = conversationOf(shape, customerOf(fixture, n), spread(n, shape.conversationsPerCustomer - 1, 7))
  const sellerId = sellerOfProduct(shape, productOfConversation(shape, id))
  return {
    id,
    customerId: customerOfConversation(shape, id),
    sellerId,
    memberId: memberOfSeller(shape, sellerId),
  }
}

const text = (n: number) => `Bench message ${n}: is this still available, and could it ship this week?`

export const SCENARIOS: Scenario[] = [
  {
    name: 'storefront inbox',
    kind: 'read',
    parley: (fixture, n) => ({
      method: 'GET',
      path: '/users/conversations/',
      headers: storefront(fixture, customerOf(fixture, n)),
    }),
    floor: (fixture, n) => ({
      method: 'GET',
      path: `/inbox/customer/${customerOf(fixture, n)}`,
      headers: {},
    }),
  },
  {
    name: 'conversation retrieve',
    kind: 'read',
    parley: (fixture, n) => ({
      method: 'GET',
      path: `/users/conversations/${ownConversation(fixture, n)}/`,
      headers: storefront(fixture, customerOf(fixture, n)),
    }),
    floor: (fixture, n) => ({
      method: 'GET',
      path: `/conversations/${ownConversation(fixture, n)}/messages`,
      headers: {},
    }),
  },
  {
    name: 'storefront reply',
    kind: 'write',
    parley: (fixture, n) => {
      const customerId = customerOf(fixture, n)
      return {
        method: 'POST',
        path: '/users/conversations/',
        headers: { ...storefront(fixture, customerId), ...JSON_TYPE },
        body: JSON.stringify({
          message_content: text(n),
          user_type: 'registered',
          content_type: 'user',
          content_id: customerId,
          conversation: ownConversation(fixture, n),
        }),
      }
    },
    floor: (fixture, n) => ({
      method: 'POST',
      path: `/conversations/${ownConversation(fixture, n)}/messages`,
      headers: JSON_TYPE,
      body: JSON.stringify({
        side: 'customer',
        sender_user_id: customerOf(fixture, n),
        sender_seller_id: null,
        text: text(n),
      }),
    }),
  },
  {
    name: 'vendor message',
    kind: 'write',
    parley: (fixture, n) => {
      const dialog = sellerConversation(fixture, n)
      return {
        method: 'POST',
        path: `/vendor/conversations/${dialog.id}/messages`,
        headers: { ...vendor(fixture, dialog.memberId), ...JSON_TYPE },
        body: JSON.stringify({ text: text(n) }),
      }
    },
    floor: (fixture, n) => {
      const dialog = sellerConversation(fixture, n)
      return {
        method: 'POST',
        path: `/conversations/${dialog.id}/messages`,
        headers: JSON_TYPE,
        body: JSON.stringify({
          side: 'counterparty',
          sender_user_id: dialog.memberId,
          sender_seller_id: dialog.sellerId,
          text: text(n),
        }),
      }
    },
  },
  {
    name: 'vendor read',
    kind: 'write',
    parley: (fixture, n) => {
      const dialog = sellerConversation(fixture, n)
      return {
        method: 'POST',
        path: `/vendor/conversations/${dialog.id}/read`,
        headers: { ...vendor(fixture, dialog.customerId), ...JSON_TYPE },
        body: '{}',
      }
    },
    floor: (fixture, n) => ({
      method: 'POST',
      path: `/conversations/${sellerConversation(fixture, n).id}/read`,
      headers: JSON_TYPE,
      body: JSON.stringify({ party_type: 'customer' }),
    }),
  },
  {
    name: 'vendor inbox',
    kind: 'read',
    parley: (fixture, n) => ({
      method: 'GET',
      path: '/vendor/conversations',
      headers: vendor(fixture, memberOfSeller(fixture.shape, spread(n, fixture.shape.sellers) + 1)),
    }),
    floor: (fixture, n) => ({
      method: 'GET',
      path: `/inbox/seller/${spread(n, fixture.shape.sellers) + 1}`,
      headers: {},
    }),
  },
  {
    name: 'contact-us',
    kind: 'write',
    parley: (fixture, n) => {
      const customerId = customerOf(fixture, n)
      return {
        method: 'POST',
        path: '/users/contact-us/',
        headers: { ...storefront(fixture, customerId), ...JSON_TYPE },
        body: JSON.stringify({
          subject: subjectOf(fixture, n),
          full_name: 'Bench Customer',
          email: `customer${customerId}@bench.test`,
          phone: '+905550000000',
          message: text(n),
        }),
      }
    },
    floor: (fixture, n) => ({
      method: 'POST',
      path: '/contacts',
      headers: JSON_TYPE,
      body: JSON.stringify({
        company_id: fixture.companyId,
        subject: subjectOf(fixture, n),
        message: text(n),
        first_name: 'Bench',
        last_name: 'Customer',
        email: `customer${customerOf(fixture, n)}@bench.test`,
        phone: '+905550000000',
      }),
    }),
  },
  {
    name: 'staff contacts',
    kind: 'read',
    parley: (fixture, n) => ({
      method: 'GET',
      path: `/api/contacts?viewed=false&search=${searchOf(fixture, n)}`,
      headers: { authorization: `Token ${fixture.staffKeys[spread(n, fixture.staffKeys.length)]}` },
    }),
    floor: (fixture, n) => ({
      method: 'GET',
      path: `/contacts?company_id=${fixture.companyId}&viewed=false&search=${searchOf(fixture, n)}`,
      headers: {},
    }),
  },
]

/** Contact-us with the SMTP server refusing every email: run last, compared with contact-us's own p99. */
export const CONTACT_US_SMTP_REFUSING: Scenario = {
  name: 'contact-us, SMTP 451',
  kind: 'write',
  parley: (fixture, n) => named('contact-us').parley(fixture, n),
  floorOf: 'contact-us',
  smtpRefusing: true,
}

/** A vendor message with a webhook endpoint registered for it: run last, compared with vendor message. */
const vendorMessageWith = (receiver: ReceiverMode, name: string): Scenario => ({
  name,
  kind: 'write',
  parley: (fixture, n) => named('vendor message').parley(fixture, n),
  floorOf: 'vendor message',
  webhookReceiver: receiver,
})

export const WEBHOOK_SCENARIOS = [
  vendorMessageWith('prompt', 'vendor message, webhook receiver'),
  vendorMessageWith('stalled', 'vendor message, stalled webhook receiver'),
]

function named(name: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name)
  if (!scenario) throw new Error(`no ${name} scenario`)
  return scenario
}

/** Subjects that need no order (the dataset's subject 2 does). */
const subjectOf = (fixture: Fixture, n: number) => {
  const free = fixture.subjectIds.filter((id) => id !== 2)
  return free[spread(n, free.length, 3)]
}

const searchOf = (fixture: Fixture, n: number) =>
  encodeURIComponent(fixture.searchTerms[spread(n, fixture.searchTerms.length, 5)] ?? '')

export const scenarioNamed = (name: string) => {
  const scenario = [...SCENARIOS, CONTACT_US_SMTP_REFUSING, ...WEBHOOK_SCENARIOS].find(
    (candidate) => candidate.name === name,
  )
  if (!scenario) throw new Error(`unknown scenario "${name}"`)
  return scenario
}
