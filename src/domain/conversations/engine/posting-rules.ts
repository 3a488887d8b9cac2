import type { Db } from '../../../db/client.ts'
import { FieldErrors, type FieldProblems, NON_FIELD } from '../../errors.ts'
import type { Party } from '../../events/party.ts'
import { mayActAs } from '../../policy/parties.ts'
import { isStaffOrAdmin } from '../../policy/staff.ts'
import type { Principal } from '../../principal.ts'
import type { ItemType, SenderClaim, Side } from '../types.ts'
import { catalogRepository } from './catalog-repository.ts'
import { type ConversationAccess, conversationsRepository } from './conversations-repository.ts'

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
    errors.add('sender', { code: 'not_yourself' })
    return undefined
  }
  if (claim.as === 'seller' && !(await catalogRepository.isMember(db, claim.sellerId, principal.userId))) {
    errors.add('sender', { code: 'not_seller_member' })
    return undefined
  }
  if (claim.as === 'staff' && !isStaffOrAdmin(principal)) {
    errors.add('sender', { code: 'not_staff_sender' })
    return undefined
  }
  return claim
}

/** The sender a claim names: the party it writes as, and that party's side. */
function senderAs(principal: Principal, claim: SenderClaim): Sender {
  const userId = principal.userId
  if (claim.as === 'user') {
    return { party: { partyType: 'customer', partyId: userId }, side: 'customer', userId, sellerId: null }
  }
  if (claim.as === 'seller') {
    const party: Party = { partyType: 'seller', partyId: claim.sellerId }
    return { party, side: 'counterparty', userId, sellerId: claim.sellerId }
  }
  const party: Party = { partyType: 'staff', partyId: principal.companyId }
  return { party, side: 'counterparty', userId, sellerId: null }
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
  const sender = senderAs(principal, claim)
  return mayActAs(principal, sender.party, conversation) ? sender : undefined
}

/**
 * The sender a claim names when the principal alone shows it may make it: the user itself, or staff. A
 * seller's claim is taken as made; the append that uses it checks the membership (see messagesRepository's
 * `asReply`), and whether the sender is a party, in the same statement.
 */
export function claimedSender(principal: Principal, claim: SenderClaim): Sender | undefined {
  const holds =
    claim.as === 'user'
      ? claim.userId === principal.userId
      : claim.as === 'staff'
        ? isStaffOrAdmin(principal)
        : true
  return holds ? senderAs(principal, claim) : undefined
}

/** A reply as the rules see it; fields a surface already found invalid are left out. */
type Reply = { conversationId?: number; sender?: SenderClaim; text?: string; image?: unknown }

/**
 * Every check a reply must pass, each problem reported by field as the surfaces always have (with those
 * `priorErrors` the surface found): who the sender claims to be, whether that makes it a party of the
 * conversation, and the message's content. The sender when all pass.
 */
export async function checkReply(
  db: Db,
  principal: Principal,
  reply: Reply,
  priorErrors: FieldProblems = {},
): Promise<Sender> {
  const errors = new FieldErrors(priorErrors)
  const claim = reply.sender && (await checkSenderClaim(db, principal, reply.sender, errors))
  const { conversationId } = reply
  const access =
    conversationId === undefined
      ? undefined
      : await conversationsRepository.findAccess(db, principal.companyId, conversationId, principal.userId)
  const sender = claim && access && senderOfReply(principal, claim, access)
  if (conversationId !== undefined && (!access || (claim && !sender))) {
    errors.add('conversationId', { code: 'does_not_exist', pk: conversationId })
  }
  if (sender?.party.partyType === 'seller' && access?.type === 'review') reviewRefusal(errors)
  requireContent(errors, reply)
  errors.throwIfAny()
  if (!sender) throw new Error('a surface posted a message without its sender')
  return sender
}

/**
 * The sender of a reply that needs nothing read to be checked: nothing reported yet, content given, and a
 * claim that holds for the principal (see claimedSender). Whether that makes the sender a party of the
 * conversation is left to the append; checkReply tells what went wrong when it refuses.
 */
export function claimedReply(
  principal: Principal,
  reply: Reply,
  priorErrors: FieldProblems = {},
): Sender | undefined {
  if (Object.keys(priorErrors).length > 0 || !reply.sender || !hasContent(reply)) return undefined
  return claimedSender(principal, reply.sender)
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
  if (!found) errors.add('itemId', { code: 'does_not_exist', pk: item.id })
  return found
}

export const reviewRefusal = (errors: FieldErrors) =>
  errors.add(NON_FIELD, { code: 'seller_cannot_reply_to_review' })

/** A message needs text or an image. */
export const hasContent = (input: { text?: string; image?: unknown }) =>
  (input.text ?? '').trim() !== '' || Boolean(input.image)

/** Reports a message without content: missing text is required, whitespace alone is blank. */
export function requireContent(errors: FieldErrors, input: { text?: string; image?: unknown }) {
  if (hasContent(input) || errors.has('text')) return
  errors.add('text', { code: input.text === undefined ? 'required' : 'blank' })
}
