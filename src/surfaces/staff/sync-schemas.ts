import { type Static, type TSchema, Type } from 'typebox'

const MAX_BATCH = 1000

const externalId = (description: string) => Type.String({ minLength: 1, maxLength: 255, description })
const optionalText = (max: number) => Type.Optional(Type.String({ maxLength: max }))
const optionalInt = () => Type.Optional(Type.Union([Type.Integer(), Type.Null()]))
const decimal = (description: string) =>
  Type.Optional(Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,2})?$', description }))

/** A batch as `{"items": [...]}`; a bare JSON array is taken as the items. */
export const Batch = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item, { maxItems: MAX_BATCH, description: `At most ${MAX_BATCH} items.` }),
  })

export const SyncUser = Type.Object({
  external_id: externalId("The shop's id of the user."),
  email: Type.String({ format: 'email', maxLength: 254 }),
  first_name: optionalText(150),
  last_name: optionalText(150),
  phone: optionalText(30),
  display_name: optionalText(150),
  avatar_url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  city_id: optionalInt(),
  is_active: Type.Optional(Type.Boolean({ description: 'Default true; an inactive user cannot sign in.' })),
})

export const SyncSeller = Type.Object({
  external_id: externalId("The shop's id of the seller."),
  name: Type.String({ minLength: 1, maxLength: 255 }),
  avatar_url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  city_id: optionalInt(),
  rating: Type.Optional(
    Type.String({ pattern: '^\\d(\\.\\d{1,2})?$', description: 'Average rating, 0 to 9.99.' }),
  ),
  reviews_count: Type.Optional(Type.Integer({ minimum: 0 })),
  member_external_ids: Type.Optional(
    Type.Array(externalId('A user synced before.'), {
      description:
        'The users who act for this seller, by their shop ids; replaces the current members. Left out: unchanged.',
    }),
  ),
})

const SyncImage = Type.Object({
  id: Type.Optional(Type.Integer({ description: 'Default: the position in the list, from 1.' })),
  thumbnail_webp: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  thumbnail_jpeg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  medium_webp: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  medium_jpeg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  large_webp: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  large_jpeg: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  status: Type.Optional(Type.String({ maxLength: 30 })),
  is_primary: Type.Optional(Type.Boolean()),
  sort_order: Type.Optional(Type.Integer()),
})

const SyncAttributes = Type.Object({
  steering: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
  city_id: optionalInt(),
  region_id: optionalInt(),
  district_id: optionalInt(),
  metro_station_id: optionalInt(),
  metro_distance_m: optionalInt(),
  address_id: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
})

export const SyncProduct = Type.Object({
  external_id: externalId("The shop's id of the product."),
  seller_external_id: Type.Optional(
    Type.Union([externalId('A seller synced before; null for none.'), Type.Null()]),
  ),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  price: decimal('A decimal string, e.g. "2500.00".'),
  image_url: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  images: Type.Optional(Type.Array(SyncImage)),
  attributes: Type.Optional(SyncAttributes),
  is_published: Type.Optional(Type.Boolean({ description: 'Default true.' })),
  published_at: Type.Optional(
    Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'Default: kept, or now on first publication.',
    }),
  ),
})

const SyncOrderItem = Type.Object({
  external_id: externalId("The shop's id of the order line."),
  product_external_id: externalId('A product synced before.'),
  status: optionalText(30),
  quantity: Type.Optional(Type.Integer({ minimum: 1 })),
  price: decimal('Unit price as a decimal string.'),
})

export const SyncOrder = Type.Object({
  external_id: externalId("The shop's id of the order."),
  customer_external_id: externalId('A user synced before.'),
  number: optionalText(64),
  status: optionalText(30),
  items: Type.Optional(
    Type.Array(SyncOrderItem, { description: 'Upserted by `external_id`; lines not sent are kept.' }),
  ),
})

export type SyncUser = Static<typeof SyncUser>
export type SyncSeller = Static<typeof SyncSeller>
export type SyncProduct = Static<typeof SyncProduct>
export type SyncOrder = Static<typeof SyncOrder>

const Ids = { external_id: Type.String(), id: Type.Integer({ description: "Parley's id." }) }
export const SyncResponse = Type.Object({ results: Type.Array(Type.Object(Ids)) })
export const OrderSyncResponse = Type.Object({
  results: Type.Array(Type.Object({ ...Ids, items: Type.Array(Type.Object(Ids)) })),
})
