import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { users } from './accounts.ts'
import { createdAt, id, ref, timestamptz, updatedAt } from './columns.ts'
import { companies, locations } from './tenancy.ts'

export const sellers = pgTable(
  'sellers',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    externalId: text('external_id'),
    name: text('name').notNull(),
    avatarUrl: text('avatar_url'),
    cityId: integer('city_id'),
    rating: numeric('rating', { precision: 3, scale: 2 }).notNull().default('0'),
    reviewsCount: integer('reviews_count').notNull().default(0),
    productsCount: integer('products_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('sellers_company_external_id_key').on(t.companyId, t.externalId)],
)

export const sellerMembers = pgTable(
  'seller_members',
  {
    sellerId: ref('seller_id')
      .notNull()
      .references(() => sellers.id, { onDelete: 'cascade' }),
    userId: ref('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.sellerId, t.userId] }), index('seller_members_user_idx').on(t.userId)],
)

export type ProductImage = {
  id: number
  thumbnailWebp: string | null
  thumbnailJpeg: string | null
  mediumWebp: string | null
  mediumJpeg: string | null
  largeWebp: string | null
  largeJpeg: string | null
  status: string
  isPrimary: boolean
  sortOrder: number
}

/** Marketplace attributes of a product listing, as the vendor surface shows them. */
export type ProductAttributes = {
  steering?: string | null
  cityId?: number | null
  regionId?: number | null
  districtId?: number | null
  metroStationId?: number | null
  metroDistanceM?: number | null
  addressId?: string | null
}

export const products = pgTable(
  'products',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    externalId: text('external_id'),
    sellerId: ref('seller_id').references(() => sellers.id),
    locationId: ref('location_id').references(() => locations.id),
    name: text('name').notNull(),
    price: numeric('price', { precision: 14, scale: 2 }).notNull().default('0'),
    imageUrl: text('image_url'),
    images: jsonb('images').$type<ProductImage[]>().notNull().default([]),
    attributes: jsonb('attributes').$type<ProductAttributes>().notNull().default({}),
    isPublished: boolean('is_published').notNull().default(true),
    publishedAt: timestamptz('published_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('products_company_external_id_key').on(t.companyId, t.externalId),
    index('products_seller_idx').on(t.sellerId),
  ],
)

export const orders = pgTable(
  'orders',
  {
    id: id(),
    companyId: ref('company_id')
      .notNull()
      .references(() => companies.id),
    externalId: text('external_id'),
    customerId: ref('customer_id')
      .notNull()
      .references(() => users.id),
    number: text('number').notNull().default(''),
    status: text('status').notNull().default('new'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('orders_company_external_id_key').on(t.companyId, t.externalId),
    index('orders_customer_idx').on(t.customerId),
  ],
)

export const orderItems = pgTable(
  'order_items',
  {
    id: id(),
    orderId: ref('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    externalId: text('external_id'),
    productId: ref('product_id')
      .notNull()
      .references(() => products.id),
    status: text('status').notNull().default('new'),
    quantity: integer('quantity').notNull().default(1),
    price: numeric('price', { precision: 14, scale: 2 }).notNull().default('0'),
  },
  (t) => [
    index('order_items_order_idx').on(t.orderId),
    uniqueIndex('order_items_order_external_id_key').on(t.orderId, t.externalId),
  ],
)
