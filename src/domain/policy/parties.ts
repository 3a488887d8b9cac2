import type { Party } from '../events/party.ts'
import type { Principal } from '../principal.ts'
import { isStaffOrAdmin } from './staff.ts'

/*
 * Who takes part in a conversation, written once: its customer; its seller, through every member of the
 * seller; and the company's staff, as the shop. Anyone else learns nothing of a conversation, not even that
 * it exists. A user is a seller's member when a seller_members row ties them (kept by the catalog sync);
 * statements that check these rules in the database spell them as parties-sql.ts does.
 */

/** Who a conversation is between, as its row names them. */
export type ConversationPeople = { companyId: number; customerId: number | null; sellerId: number | null }

/**
 * A conversation's parties, each with its own read state and events: its customer, and its seller or
 * (without one) the company's staff. One without a customer has the staff alone.
 */
export const partiesOf = (conversation: ConversationPeople): Party[] => [
  ...(conversation.customerId === null
    ? []
    : [{ partyType: 'customer', partyId: conversation.customerId } satisfies Party]),
  conversation.sellerId === null
    ? { partyType: 'staff', partyId: conversation.companyId }
    : { partyType: 'seller', partyId: conversation.sellerId },
]

/** What the rules need of a conversation: its people, and whether the asking user is its seller's member. */
export type PartyFacts = { customerId: number | null; sellerId: number | null; isSellerMember: boolean }

/** The party a user is in a conversation as one of its people: its customer, else its seller's member. */
export function personalPartyOf(user: Principal, conversation: PartyFacts): Party | undefined {
  if (conversation.customerId === user.userId) return { partyType: 'customer', partyId: user.userId }
  if (conversation.isSellerMember && conversation.sellerId !== null) {
    return { partyType: 'seller', partyId: conversation.sellerId }
  }
  return undefined
}

/** Whether the user may act as `party` in the conversation. */
export function mayActAs(user: Principal, party: Party, conversation: PartyFacts): boolean {
  switch (party.partyType) {
    case 'customer':
      return party.partyId === user.userId && conversation.customerId === user.userId
    case 'seller':
      return party.partyId === conversation.sellerId && conversation.isSellerMember
    case 'staff':
      return party.partyId === user.companyId && isStaffOrAdmin(user)
  }
}

/** Every party a user acts as, wherever it takes part: itself as a customer, and each of its sellers. */
export const partiesOfUser = (user: Principal, sellerIds: number[]): Party[] => [
  { partyType: 'customer', partyId: user.userId },
  ...sellerIds.map((partyId) => ({ partyType: 'seller' as const, partyId })),
]
