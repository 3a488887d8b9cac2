/**
 * Who an event is for: a customer (a user), a seller (all its members) or a company's staff. The same
 * parties own conversation read state (conversation_parties).
 */
export type PartyType = 'customer' | 'seller' | 'staff'
export type Party = { partyType: PartyType; partyId: number }

/**
 * Whom an event is recorded for: a party, or the company's staff inbox (`inbox`, party_id: the company), whose
 * events (contacts, notes, assignment) no party of a conversation ever reads.
 */
export type Audience = Party | { partyType: 'inbox'; partyId: number }

export const inboxOf = (companyId: number): Audience => ({ partyType: 'inbox', partyId: companyId })

export const partyKey = (party: Audience) => `${party.partyType}:${party.partyId}`
