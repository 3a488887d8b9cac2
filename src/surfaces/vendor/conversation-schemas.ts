import { type Static, Type } from 'typebox'
import { IdInteger } from '../http/input-guard.ts'
import { nullable } from '../http/nullable.ts'

export const Profile = Type.Object(
  {
    id: Type.Integer({ description: 'Seller ID for a seller; user ID for a buyer.' }),
    display_name: Type.String({ examples: ['BMW Parts Store'] }),
    avatar_url: nullable(Type.String({ examples: ['https://s3.partizap.ru/avatars/5.webp'] })),
    city_id: nullable(Type.Integer()),
    rating: Type.String({ description: 'Decimal as a string; "0.00" for a buyer.', examples: ['4.85'] }),
    reviews_count: Type.Integer({ examples: [127] }),
    products_count: Type.Integer({ examples: [342] }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A public profile: a seller, or a buyer (who has no rating, reviews or products).' },
)

export const ProductImage = Type.Object({
  id: Type.Integer(),
  thumbnail_webp: nullable(Type.String()),
  thumbnail_jpeg: nullable(Type.String()),
  medium_webp: nullable(Type.String()),
  medium_jpeg: nullable(Type.String()),
  large_webp: nullable(Type.String()),
  large_jpeg: nullable(Type.String()),
  status: Type.String(),
  is_primary: Type.Boolean(),
  sort_order: Type.Integer(),
})

export const Product = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  price: Type.Number({ examples: [2500] }),
  steering: nullable(Type.String()),
  city_id: nullable(Type.Integer()),
  region_id: nullable(Type.Integer()),
  district_id: nullable(Type.Integer()),
  metro_station_id: nullable(Type.Integer()),
  metro_distance_m: nullable(Type.Integer()),
  address_id: nullable(Type.String()),
  images: Type.Array(ProductImage),
  seller: Profile,
  published_at: nullable(Type.String({ format: 'date-time' })),
})

export const Message = Type.Object({
  id: Type.Integer(),
  conversation_id: Type.Integer(),
  sender_id: Type.Integer({
    description:
      "The seller's ID for a message written as the seller, 0 for one written by the shop's staff, else the writing user's ID.",
  }),
  text: Type.String({ description: 'Empty for a message that is only an image.' }),
  image_url: nullable(
    Type.String({
      description:
        "A path under this server that serves the image to the dialog's parties only (it checks the session).",
    }),
  ),
  is_read: Type.Boolean({ description: 'The recipient has read up to this message.' }),
  is_delivered: Type.Boolean({ description: 'The recipient has fetched up to this message (or read it).' }),
  created_at: Type.String({ format: 'date-time' }),
})

export const Conversation = Type.Object({
  id: Type.Integer(),
  product_id: nullable(Type.Integer()),
  product: nullable(Product, {
    description: 'The product the dialog is about; null for a dialog started about no product.',
  }),
  participants: Type.Array(Profile, { description: 'Both parties: the buyer first, then the seller.' }),
  last_message: nullable(Message),
  unread_count: Type.Integer({ description: "The caller's unread messages in this dialog." }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
})
export type Conversation = Static<typeof Conversation>

export const StartConversationRequest = Type.Object({
  product_id: IdInteger({ minimum: 1, description: 'A published product of another seller.' }),
  message: Type.String({ minLength: 1, maxLength: 4000, description: 'The first message.' }),
})

export const ConversationListQuery = Type.Object({
  cursor: Type.Optional(Type.String({ description: '`meta.next_cursor` of the previous page.' })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
})

export const ConversationList = Type.Object({
  data: Type.Array(Conversation),
  meta: Type.Object({
    next_cursor: nullable(
      Type.String({ description: 'Pass as `cursor` for the next page; null on the last.' }),
    ),
    total_unread: Type.Integer({ description: "The caller's unread messages over all its dialogs." }),
  }),
})
