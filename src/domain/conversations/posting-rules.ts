import type { Db } from '../../db/client.ts'
import { type FieldErrors, messages, NON_FIELD } from '../errors.ts'
import type { Party } from '../events/party.ts'
import type { Principal } from '../principal.ts'
import { catalogRepository } from './catalog-repository.ts'
import type { ConversationAccess } from './conversations-repository.ts'
import type { ItemType, SenderClaim, Side } from './types.ts'

/** The wording of the conversation rules, in the Django REST framework English the first clients know. */
export const conversationMessages = {
  notYourself: 'Users must match the authenticated user.',
  notMember: 'You are not a member of this data source.',
  notStaff: 'Only staff can write as the shop.',
  sellerCannotReplyToReview: 'DataSource cannot reply to a review.',
  ownSeller: 'You cannot start a conversation with a data source you are a member of.',
  itemOfOtherSeller: 'The item does not belong to this data source.',
  staffHasNoSeller: 'A conversation with the shop has no data source.',
}

/** A sender whose claim has been checked: the party it writes as, and its side of the conversation. */
export type Sender = { party: Party; side: Side; userId: number; sellerId: number | null }

/** Checks who the principal claims to write as; undefined (with the problem recorded) when it may not. */
export async function checkSenderClaim(
  db: Db,
  principal: Principal,
  claim: SenderClaim,
  errors: FieldErrors,
): Promise<SenderClaim | undefined> {
  if (claim.as === 'user' && claim.userId !== principal.userId) {
    errors.add('sender', conversationMessages.notYourself)
    return undefined
  }
  if (claim.as === 'seller' && !(await catalogRepository.isMember(db, claim.sellerId, principal.userId))) {
    errors.add('sender', conversationMessages.notMember)
    return undefined
  }
  if (claim.as === 'staff' && !principal.isStaff && !principal.isSuperuser) {
    errors.add('sender', conversationMessages.notStaff)
    return undefined
  }
  return claim
}

/**
 * The sender of a reply, if the claim makes it a party of the conversation: its customer, its seller, or the
 * shop's staff. Anyone else learns nothing of the conversation, not even that it exists.
 */
export function senderOfReply(
  principal: Principal,
  claim: SenderClaim,
  conversation: ConversationAccess,
): Sender | undefined {
  const userId = principal.userId
  if (claim.as === 'user' && conversation.customerId === userId) {
    return { party: { partyType: 'customer', partyId: userId }, side: 'customer', userId, sellerId: null }
  }
  if (claim.as === 'seller' && conversation.sellerId === claim.sellerId && conversation.isSellerMember) {
    const party: Party = { partyType: 'seller', partyId: claim.sellerId }
    return { party, side: 'counterparty', userId, sellerId: claim.sellerId }
  }
  if (claim.as === 'staff') {
    const party: Party = { partyType: 'staff', partyId: principal.companyId }
    return { party, side: 'counterparty', userId, sellerId: null }
  }
  return undefined
}

/** The seller an item implies, checked against the customer; undefined (recorded) when there is no such item. */
export async function sellerOfItem(
  db: Db,
  companyId: number,
  customerId: number | undefined,
  item: { type: ItemType; id: number },
  errors: FieldErrors,
): Promise<{ sellerId: number | null } | undefined> {
  const found =
    item.type === 'product'
      ? await catalogRepository.sellerOfProduct(db, companyId, item.id)
      : customerId === undefined
        ? undefined
        : await catalogRepository.sellerOfOrderItem(db, companyId, customerId, item.id)
  if (!found) errors.add('itemId', messages.doesNotExist(item.id))
  return found
}

export const reviewRefusal = (errors: FieldErrors) =>
  errors.add(NON_FIELD, conversationMessages.sellerCannotReplyToReview)

/** A message needs text or an image; missing text is required, whitespace alone is blank. */
export function requireContent(errors: FieldErrors, input: { text?: string; image?: unknown }) {
  if ((input.text ?? '').trim() !== '' || input.image || errors.has('text')) return
  errors.add('text', input.text === undefined ? messages.required : messages.blank)
}
