/**
 * Who an event is for: a customer (a user), a seller (all its members) or a company's staff. The same
 * parties own conversation read state (conversation_parties).
 */
export type PartyType = 'customer' | 'seller' | 'staff'
export type Party = { partyType: PartyType; partyId: number }

export const partyKey = (party: Party) => `${party.partyType}:${party.partyId}`
