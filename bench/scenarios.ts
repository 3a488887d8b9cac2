import {
  conversationCount,
  conversationOf,
  customerOfConversation,
  type Fixture,
  memberOfSeller,
  ORDER_EVERY,
  orderNumberOf,
  productOfConversation,
  RARE_MESSAGE_WORD,
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
  /** A staff search: the embedded default holds its p99 to a target of its own (see EMBEDDED_TARGETS). */
  search?: boolean
  parley: RequestPlan
  /** The floor server's request doing the same SQL; a scenario without one is compared to `floorOf`'s. */
  floor?: RequestPlan
  floorOf?: string
  /** The SMTP sink refuses every email (451) while this scenario runs. */
  smtpRefusing?: boolean
  /** A webhook endpoint for `message.created` is registered while it runs, its receiver answering or not. */
  webhookReceiver?: ReceiverMode
  /** Each form it sends that Parley stores mails one email: the run counts both (see `accountEmails`). */
  mailsEachForm?: boolean
  /**
   * Each connection sends this many consecutive requests of the plan in order, each once the previous one
   * answered (default 1): a plan can make one request depend on the one before it.
   */
  steps?: number
}

const CSRF = 'benchcsrf0123456789abcdefghijklmn'
const JSON_TYPE = { 'content-type': 'application/json' }

/** Spreads request n over `count` values (a multiplicative hash), so neighbours differ. */
const spread = (n: number, count: number, salt = 0) => (Math.imul(n + 1 + salt, 2654435761) >>> 0) % count

export const storefront = (fixture: Fixture, userId: number) => ({
  cookie: `sessionid=${sessionToken(fixture, userId)}; csrftoken=${CSRF}`,
  'x-csrftoken': CSRF,
})
export const vendor = (fixture: Fixture, userId: number) => ({
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

/** The seller's member answering the customer in one of their dialogs. */
const vendorMessage: RequestPlan = (fixture, n) => {
  const dialog = sellerConversation(fixture, n)
  return {
    method: 'POST',
    path: `/vendor/conversations/${dialog.id}/messages`,
    headers: { ...vendor(fixture, dialog.memberId), ...JSON_TYPE },
    body: JSON.stringify({ text: text(n) }),
  }
}

const floorVendorMessage: RequestPlan = (fixture, n) => {
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
}

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
      path: `/conversations/${ownConversation(fixture, n)}/replies`,
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
    parley: vendorMessage,
    floor: floorVendorMessage,
  },
  // Each read follows a seller's message on the same dialog, so at either size every read marks one message
  // and large ÷ small compares history, not reads that found nothing left to mark.
  {
    name: 'vendor read',
    kind: 'write',
    steps: 2,
    parley: (fixture, n) => {
      if (n % 2 === 0) return vendorMessage(fixture, n / 2)
      const dialog = sellerConversation(fixture, (n - 1) / 2)
      return {
        method: 'POST',
        path: `/vendor/conversations/${dialog.id}/read`,
        headers: { ...vendor(fixture, dialog.customerId), ...JSON_TYPE },
        body: '{}',
      }
    },
    floor: (fixture, n) =>
      n % 2 === 0
        ? floorVendorMessage(fixture, n / 2)
        : {
            method: 'POST',
            path: `/conversations/${sellerConversation(fixture, (n - 1) / 2).id}/read`,
            headers: JSON_TYPE,
            body: JSON.stringify({ party_type: 'customer' }),
          },
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
    mailsEachForm: true,
    parley: (fixture, n) => ({
      method: 'POST',
      path: '/users/contact-us/',
      headers: { ...storefront(fixture, customerOf(fixture, n)), ...JSON_TYPE },
      body: JSON.stringify(contactForm(fixture, n)),
    }),
    floor: (fixture, n) => ({
      method: 'POST',
      path: '/contacts',
      headers: JSON_TYPE,
      body: JSON.stringify(floorContactForm(fixture, n)),
    }),
  },
  {
    name: 'contact-us, 1 MB attachment',
    kind: 'write',
    mailsEachForm: true,
    parley: (fixture, n) => ({
      method: 'POST',
      path: '/users/contact-us/',
      headers: { ...storefront(fixture, customerOf(fixture, n)), ...MULTIPART_TYPE },
      body: withAttachment(contactForm(fixture, n)),
    }),
    floor: (fixture, n) => ({
      method: 'POST',
      path: '/contacts',
      headers: MULTIPART_TYPE,
      body: withAttachment(floorContactForm(fixture, n)),
    }),
  },
  {
    name: 'staff contacts',
    kind: 'read',
    search: true,
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
  {
    name: 'staff conversations',
    kind: 'read',
    parley: (fixture, n) => ({
      method: 'GET',
      path: `/api/conversations/?page_size=25&${STAFF_VIEWS[spread(n, STAFF_VIEWS.length, 11)]}`,
      headers: staffKey(fixture, n),
    }),
    floor: (fixture, n) => ({
      method: 'GET',
      path: `/staff/conversations?company_id=${fixture.companyId}&${STAFF_VIEWS[spread(n, STAFF_VIEWS.length, 11)]}`,
      headers: {},
    }),
  },
  {
    name: 'staff message search',
    kind: 'read',
    search: true,
    parley: (fixture, n) => ({
      method: 'GET',
      path: `/api/conversations/?page_size=25&search=${encodeURIComponent(messageSearchOf(fixture, n).terms.join(' '))}`,
      headers: staffKey(fixture, n),
    }),
    floor: (fixture, n) => {
      const { terms, rare } = messageSearchOf(fixture, n)
      const query = new URLSearchParams({ company_id: String(fixture.companyId), terms: terms.join(' ') })
      if (rare !== undefined) query.set('rare', rare)
      return { method: 'GET', path: `/staff/conversations/search?${query}`, headers: {} }
    },
  },
]

/**
 * Contact-us with the SMTP server refusing every email, compared with contact-us's own p99; its emails are
 * counted once the server accepts again.
 */
export const CONTACT_US_SMTP_REFUSING: Scenario = {
  name: 'contact-us, SMTP 451',
  kind: 'write',
  parley: (fixture, n) => named('contact-us').parley(fixture, n),
  floorOf: 'contact-us',
  smtpRefusing: true,
  mailsEachForm: true,
}

/**
 * A vendor message with a webhook endpoint registered for it; the floor has one registered too, so it queues
 * and delivers a webhook with each message as Parley does.
 */
const vendorMessageWith = (receiver: ReceiverMode, name: string): Scenario => ({
  name,
  kind: 'write',
  parley: vendorMessage,
  floor: floorVendorMessage,
  webhookReceiver: receiver,
})

export const PROMPT_WEBHOOK = vendorMessageWith('prompt', 'vendor message, webhook receiver')
export const STALLED_WEBHOOK = vendorMessageWith('stalled', 'vendor message, stalled webhook receiver')
export const WEBHOOK_SCENARIOS = [PROMPT_WEBHOOK, STALLED_WEBHOOK]

/** Posting without an endpoint, the stalled receiver's reference: run beside it, not with the other writes. */
export const VENDOR_MESSAGE = named('vendor message')

function named(name: string): Scenario {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name)
  if (!scenario) throw new Error(`no ${name} scenario`)
  return scenario
}

const contactForm = (fixture: Fixture, n: number) => ({
  subject: subjectOf(fixture, n),
  full_name: 'Bench Customer',
  email: `customer${customerOf(fixture, n)}@bench.test`,
  phone: '+905550000000',
  message: text(n),
})

/** The same form as the floor takes it: the company named, the name split. */
const floorContactForm = (fixture: Fixture, n: number) => ({
  company_id: fixture.companyId,
  subject: subjectOf(fixture, n),
  message: text(n),
  first_name: 'Bench',
  last_name: 'Customer',
  email: `customer${customerOf(fixture, n)}@bench.test`,
  phone: '+905550000000',
})

const BOUNDARY = 'parley-bench-form-boundary'
const MULTIPART_TYPE = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }
/** 1 MiB that opens as a PDF does (all Parley checks of a PDF), in ASCII so that it travels in a string. */
const ATTACHMENT = `%PDF-1.4\n${'%0123456789abcdef'.repeat(65_536)}`.slice(0, 1024 * 1024)

/** A multipart form of `fields` with the attachment as its `file`. */
function withAttachment(fields: Record<string, string | number | undefined>) {
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value ?? ''}\r\n`,
  )
  return (
    `${parts.join('')}--${BOUNDARY}\r\n` +
    'content-disposition: form-data; name="file"; filename="invoice.pdf"\r\n' +
    `content-type: application/pdf\r\n\r\n${ATTACHMENT}\r\n--${BOUNDARY}--\r\n`
  )
}

/** Subjects that need no order (the dataset's subject 2 does). */
const subjectOf = (fixture: Fixture, n: number) => {
  const free = fixture.subjectIds.filter((id) => id !== 2)
  return free[spread(n, free.length, 3)]
}

const staffKey = (fixture: Fixture, n: number) => ({
  authorization: `Token ${fixture.staffKeys[spread(n, fixture.staffKeys.length)]}`,
})

/** The staff inbox as its app opens it (unread first), and two of its filters. */
const STAFF_VIEWS = ['ordering=unread', 'status=answered', 'unread=true&ordering=unread']

/**
 * What staff search messages for: a word every conversation holds, a rare one, a customer's order number,
 * and a common word with a rare one. `rare` is the term a hand-written endpoint would look up by index (the
 * floor is told; Parley works it out); without one, it walks the newest conversations.
 */
function messageSearchOf(fixture: Fixture, n: number): { terms: string[]; rare?: string } {
  const ordered = Math.floor(conversationCount(fixture.shape) / ORDER_EVERY)
  const orderNumber = orderNumberOf(spread(n, ordered, 13) * ORDER_EVERY + 1)
  const searches = [
    { terms: ['available'] },
    { terms: [RARE_MESSAGE_WORD], rare: RARE_MESSAGE_WORD },
    { terms: [orderNumber], rare: orderNumber },
    { terms: ['ship', RARE_MESSAGE_WORD], rare: RARE_MESSAGE_WORD },
  ]
  return searches[spread(n, searches.length, 17)] ?? { terms: ['available'] }
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
