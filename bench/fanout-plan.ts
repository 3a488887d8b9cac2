import { storefront, vendor } from './scenarios.ts'
import {
  conversationOf,
  type Fixture,
  memberOfSeller,
  productOfConversation,
  type Shape,
  sellerOfProduct,
} from './shape.ts'

/** Who holds a stream, and where: a customer on the storefront, a seller's member on the vendor surface. */
export type Holder = { kind: 'customer'; customerId: number } | { kind: 'seller'; sellerId: number }

/**
 * The holders of `streams` streams, stream k being held by holder k mod length: every seller first, then as
 * many customers as the streams left allow, so a message of any holding customer's dialogs reaches streams
 * on both sides. Where there are more streams than users, each holds several, as a user with tabs open does.
 */
export function holdersOf(shape: Shape, streams: number): Holder[] {
  const sellers = Math.min(shape.sellers, streams)
  const customers = Math.min(shape.customers, Math.max(1, streams - sellers))
  return [
    ...Array.from({ length: sellers }, (_, index): Holder => ({ kind: 'seller', sellerId: index + 1 })),
    ...Array.from({ length: customers }, (_, index): Holder => ({ kind: 'customer', customerId: index + 1 })),
  ]
}

export const holderKey = (holder: Holder) =>
  holder.kind === 'seller' ? `seller:${holder.sellerId}` : `customer:${holder.customerId}`

/** The stream request of a holder. */
export function streamRequest(fixture: Fixture, holder: Holder) {
  return holder.kind === 'seller'
    ? { path: '/vendor/events', headers: vendor(fixture, memberOfSeller(fixture.shape, holder.sellerId)) }
    : { path: '/users/events', headers: storefront(fixture, holder.customerId) }
}

/** A stride coprime with any count the datasets have, so consecutive messages go to different dialogs. */
const pick = (n: number, count: number) => (n * 7_919) % count

/**
 * The n-th message: in a dialog between a holding customer and a seller (never the shop's staff), posted in
 * turn by the seller's member and by the customer. Both parties' streams get its `message.created`.
 */
export function messageOf(fixture: Fixture, holders: Holder[], n: number) {
  const { shape } = fixture
  const customers = holders.filter((holder) => holder.kind === 'customer').length
  const customerId = pick(n, customers) + 1
  const conversationId = conversationOf(shape, customerId, pick(n, shape.conversationsPerCustomer - 1))
  const sellerId = sellerOfProduct(shape, productOfConversation(shape, conversationId))
  const sender = n % 2 === 0 ? memberOfSeller(shape, sellerId) : customerId
  return {
    path: `/vendor/conversations/${conversationId}/messages`,
    headers: { ...vendor(fixture, sender), 'content-type': 'application/json' },
    body: JSON.stringify({ text: `Fan-out message ${n}: is it still available?` }),
    recipients: [`customer:${customerId}`, `seller:${sellerId}`],
  }
}
