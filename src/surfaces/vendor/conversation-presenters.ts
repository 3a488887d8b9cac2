import type { Static } from 'typebox'
import type {
  DialogBuyer,
  DialogMessage,
  DialogProduct,
  DialogView,
} from '../../domain/conversations/dialogs/dialog-views.ts'
import type { ReadState, SellerSummary } from '../../domain/conversations/types.ts'
import type { Conversation, Message, Product, Profile } from './conversation-schemas.ts'

const sellerProfile = (seller: SellerSummary): Static<typeof Profile> => ({
  id: seller.id,
  display_name: seller.name,
  avatar_url: seller.avatarUrl,
  city_id: seller.cityId,
  rating: seller.rating,
  reviews_count: seller.reviewsCount,
  products_count: seller.productsCount,
  created_at: seller.createdAt.toISOString(),
})

// A buyer shares the seller's profile shape, so clients render both parties alike; it sells nothing.
const buyerProfile = (user: DialogBuyer): Static<typeof Profile> => ({
  id: user.id,
  display_name: user.displayName || `${user.firstName} ${user.lastName}`.trim(),
  avatar_url: user.avatarUrl,
  city_id: user.cityId,
  rating: '0.00',
  reviews_count: 0,
  products_count: 0,
  created_at: user.createdAt.toISOString(),
})

function presentProduct(product: DialogProduct, seller: SellerSummary): Static<typeof Product> {
  const attributes = product.attributes
  return {
    id: product.id,
    title: product.name,
    price: Number(product.price),
    steering: attributes.steering ?? null,
    city_id: attributes.cityId ?? null,
    region_id: attributes.regionId ?? null,
    district_id: attributes.districtId ?? null,
    metro_station_id: attributes.metroStationId ?? null,
    metro_distance_m: attributes.metroDistanceM ?? null,
    address_id: attributes.addressId ?? null,
    images: product.images.map((image) => ({
      id: image.id,
      thumbnail_webp: image.thumbnailWebp,
      thumbnail_jpeg: image.thumbnailJpeg,
      medium_webp: image.mediumWebp,
      medium_jpeg: image.mediumJpeg,
      large_webp: image.largeWebp,
      large_jpeg: image.largeJpeg,
      status: image.status,
      is_primary: image.isPrimary,
      sort_order: image.sortOrder,
    })),
    seller: sellerProfile(seller),
    published_at: product.publishedAt?.toISOString() ?? null,
  }
}

/** Where a message's image is served, to the dialog's parties only (see message-routes.ts). */
export const imagePath = (conversationId: number, messageId: number) =>
  `/vendor/conversations/${conversationId}/messages/${messageId}/image`

export function presentMessage(message: DialogMessage): Static<typeof Message> {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    sender_id: message.senderId,
    text: message.text,
    image_url: message.image ? imagePath(message.conversationId, message.id) : null,
    is_read: message.isRead,
    is_delivered: message.isDelivered,
    created_at: message.createdAt.toISOString(),
  }
}

export function presentConversation(dialog: DialogView): Conversation {
  const { conversation } = dialog
  const seller = conversation.seller
  if (!seller) throw new Error(`conversation ${conversation.id} is not a dialog with a seller`)
  const product = conversation.item?.product ?? null
  return {
    id: conversation.id,
    product_id: product?.id ?? null,
    product: product && presentProduct(product, seller),
    participants: [buyerProfile(conversation.customer), sellerProfile(seller)],
    last_message: dialog.lastMessage && presentMessage(dialog.lastMessage),
    unread_count: dialog.unreadCount,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  }
}

export const presentReadState = (conversationId: number, state: ReadState) => ({
  conversation_id: conversationId,
  last_read_message_id: state.lastReadMessageId,
  last_delivered_message_id: state.lastDeliveredMessageId,
  unread_count: state.unreadCount,
})
