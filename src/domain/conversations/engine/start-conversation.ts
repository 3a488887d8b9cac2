import type { Db } from '../../../db/client.ts'
import type { StoredAttachment } from '../../../db/schema/contacts.ts'
import { FieldErrors, type FieldProblems } from '../../errors.ts'
import type { Principal } from '../../principal.ts'
import type { ConversationType, ItemType, SenderClaim, UserType } from '../types.ts'
import { catalogRepository } from './catalog-repository.ts'
import type { NewConversation } from './conversations-repository.ts'
import { checkSenderClaim, reviewRefusal, type Sender, sellerOfItem } from './posting-rules.ts'

/**
 * A new conversation as a surface received it; fields the surface already found invalid are left out.
 * Without `text` (and `image`) the conversation starts empty, as the shop's API opens one.
 */
export type StartConversationInput = {
  sender?: SenderClaim
  /**
   * The customer; implied when the customer writes, required when a seller starts it. The staff may pass
   * null: a conversation of theirs without a customer, which only they see and write in.
   */
  customerId?: number | null
  /** The seller to talk with; else the one the item implies; else the shop's staff. */
  sellerId?: number
  itemType?: ItemType
  itemId?: number
  subject?: string
  type?: ConversationType
  isPublic?: boolean
  archived?: boolean
  /** Opens it already soft-deleted by the principal (staff only), as the shop's API lets a client send it. */
  deleted?: boolean
  deletedReason?: string | null
  locationId?: number
  text?: string
  image?: StoredAttachment
  userType?: UserType
}

/** A checked start: the conversation to insert and who writes its first message. */
export type StartPlan = { conversation: NewConversation; sender: Sender }

/** Checks a start against every rule, reporting all problems at once. */
export async function planStart(
  db: Db,
  principal: Principal,
  input: StartConversationInput,
  priorErrors: FieldProblems,
): Promise<StartPlan> {
  const errors = new FieldErrors(priorErrors)
  const { companyId, userId } = principal
  const claim = input.sender && (await checkSenderClaim(db, principal, input.sender, errors))

  let customerId: number | null | undefined
  if (claim?.as === 'user') {
    if (input.customerId !== undefined && input.customerId !== userId) {
      errors.add('customerId', { code: 'not_yourself' })
    }
    customerId = userId
  } else if (claim?.as === 'staff' && input.customerId === null) {
    customerId = null
  } else if (claim && typeof input.customerId === 'number') {
    if (await catalogRepository.customerExists(db, companyId, input.customerId)) customerId = input.customerId
    else errors.add('customerId', { code: 'does_not_exist', pk: input.customerId })
  } else if (claim && !errors.has('customerId')) {
    errors.add('customerId', { code: 'required' })
  }

  if (input.itemType !== undefined && input.itemId === undefined && !errors.has('itemId')) {
    errors.add('itemId', { code: 'required' })
  }
  if (input.itemId !== undefined && input.itemType === undefined && !errors.has('itemType')) {
    errors.add('itemType', { code: 'required' })
  }
  const item =
    input.itemType !== undefined && input.itemId !== undefined
      ? { type: input.itemType, id: input.itemId }
      : null
  // Without a customer (null) no order item is theirs, so naming one is naming one that does not exist.
  const itemSeller =
    item && (item.type === 'product' || customerId !== undefined)
      ? await sellerOfItem(db, companyId, customerId ?? undefined, item, errors)
      : undefined

  const namedSeller = input.sellerId
  if (namedSeller !== undefined && !(await catalogRepository.sellerExists(db, companyId, namedSeller))) {
    errors.add('sellerId', { code: 'does_not_exist', pk: namedSeller })
  }
  let sellerId: number | null = null
  if (claim?.as === 'seller') {
    sellerId = claim.sellerId
    if (namedSeller !== undefined && namedSeller !== sellerId)
      errors.add('sellerId', { code: 'not_seller_member' })
    if (input.type === 'review') reviewRefusal(errors)
  } else if (claim?.as === 'staff') {
    if (namedSeller !== undefined) errors.add('sellerId', { code: 'staff_has_no_seller' })
  } else if (claim?.as === 'user') {
    sellerId = namedSeller ?? itemSeller?.sellerId ?? null
    if (sellerId !== null && (await catalogRepository.isMember(db, sellerId, userId))) {
      errors.add('sellerId', { code: 'own_seller' })
    }
  }
  if (itemSeller && claim && itemSeller.sellerId !== sellerId && !errors.has('sellerId')) {
    errors.add('itemId', { code: 'item_of_other_seller' })
  }
  const { locationId } = input
  if (locationId !== undefined && !(await catalogRepository.locationExists(db, companyId, locationId))) {
    errors.add('locationId', { code: 'does_not_exist', pk: locationId })
  }
  if (input.text !== undefined && input.text.trim() === '' && !input.image && !errors.has('text')) {
    errors.add('text', { code: 'blank' })
  }
  errors.throwIfAny()
  if (!claim || customerId === undefined)
    throw new Error('a surface started a conversation without its sender')

  const sender: Sender =
    claim.as === 'user'
      ? { party: { partyType: 'customer', partyId: userId }, side: 'customer', userId, sellerId: null }
      : claim.as === 'seller'
        ? { party: { partyType: 'seller', partyId: claim.sellerId }, side: 'counterparty', userId, sellerId }
        : { party: { partyType: 'staff', partyId: companyId }, side: 'counterparty', userId, sellerId: null }
  return {
    sender,
    conversation: {
      companyId,
      locationId: input.locationId ?? null,
      customerId,
      sellerId,
      subject: input.subject ?? '',
      type: input.type ?? 'message',
      item,
      isPublic: input.isPublic ?? false,
      archived: input.archived ?? false,
    },
  }
}
