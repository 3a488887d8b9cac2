import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest, FastifySchemaValidationError } from 'fastify'
import { type TSchema, Type } from 'typebox'
import type { SyncResult } from '../../domain/catalog/catalog-sync.ts'
import type { Domain } from '../../domain/create-domain.ts'
import type { Principal } from '../../domain/principal.ts'
import { BatchRefusal } from '../drf/errors.ts'
import { ErrorResponse } from '../drf/schemas.ts'
import { drfSchemaWording } from '../drf/wording.ts'
import { Refusal } from '../http/failures.ts'
import { signedInUser } from '../http/request-context.ts'
import { fieldErrorsFromSchema } from '../http/schema-errors.ts'
import {
  Batch,
  OrderSyncResponse,
  type SyncOrder,
  SyncOrder as SyncOrderSchema,
  type SyncProduct,
  SyncProduct as SyncProductSchema,
  SyncResponse,
  type SyncSeller,
  SyncSeller as SyncSellerSchema,
  type SyncUser,
  SyncUser as SyncUserSchema,
} from './sync-schemas.ts'

const ITEM_PATH = /^\/items\/(\d+)(\/.*)?$/

/**
 * Schema problems as DRF reports a `many=True` serializer's: a list with one error object per item. A body
 * that is not a batch at all is reported by field, as any other request.
 */
function throwBatchErrors(request: FastifyRequest): void {
  const errors = request.validationError?.validation as FastifySchemaValidationError[] | undefined
  if (!errors) return
  const items = (request.body as { items?: unknown[] } | undefined)?.items
  const perItem = errors.map((error) => ({ error, match: ITEM_PATH.exec(error.instancePath) }))
  if (!Array.isArray(items) || perItem.some(({ match }) => !match)) {
    const batchErrors = perItem.filter(({ match }) => !match).map(({ error }) => error)
    throw new Refusal('validation', 'Invalid input.', fieldErrorsFromSchema(batchErrors, drfSchemaWording))
  }
  throw new BatchRefusal(
    items.map((_, index) =>
      fieldErrorsFromSchema(
        perItem
          .filter(({ match }) => Number(match?.[1]) === index)
          .map(({ error, match }) => ({ ...error, instancePath: match?.[2] ?? '' })),
        drfSchemaWording,
      ),
    ),
  )
}

const presentIds = (results: SyncResult[]) => ({
  results: results.map((result) => ({ external_id: result.externalId, id: result.id })),
})

const toUser = (user: SyncUser) => ({
  externalId: user.external_id,
  email: user.email,
  firstName: user.first_name,
  lastName: user.last_name,
  phone: user.phone,
  displayName: user.display_name,
  avatarUrl: user.avatar_url,
  cityId: user.city_id,
  isActive: user.is_active,
})

const toSeller = (seller: SyncSeller) => ({
  externalId: seller.external_id,
  name: seller.name,
  avatarUrl: seller.avatar_url,
  cityId: seller.city_id,
  rating: seller.rating,
  reviewsCount: seller.reviews_count,
  memberExternalIds: seller.member_external_ids,
})

const toProduct = (product: SyncProduct) => ({
  externalId: product.external_id,
  sellerExternalId: product.seller_external_id,
  name: product.name,
  price: product.price,
  imageUrl: product.image_url,
  images: (product.images ?? []).map((image, index) => ({
    id: image.id ?? index + 1,
    thumbnailWebp: image.thumbnail_webp ?? null,
    thumbnailJpeg: image.thumbnail_jpeg ?? null,
    mediumWebp: image.medium_webp ?? null,
    mediumJpeg: image.medium_jpeg ?? null,
    largeWebp: image.large_webp ?? null,
    largeJpeg: image.large_jpeg ?? null,
    status: image.status ?? 'approved',
    isPrimary: image.is_primary ?? index === 0,
    sortOrder: image.sort_order ?? index,
  })),
  attributes: {
    steering: product.attributes?.steering,
    cityId: product.attributes?.city_id,
    regionId: product.attributes?.region_id,
    districtId: product.attributes?.district_id,
    metroStationId: product.attributes?.metro_station_id,
    metroDistanceM: product.attributes?.metro_distance_m,
    addressId: product.attributes?.address_id,
  },
  isPublished: product.is_published,
  publishedAt: product.published_at ? new Date(product.published_at) : undefined,
})

const toOrder = (order: SyncOrder) => ({
  externalId: order.external_id,
  customerExternalId: order.customer_external_id,
  number: order.number,
  status: order.status,
  items: order.items?.map((item) => ({
    externalId: item.external_id,
    productExternalId: item.product_external_id,
    status: item.status,
    quantity: item.quantity,
    price: item.price,
  })),
})

const upsertNote = (what: string, key: string) =>
  `Creates or updates ${what} by the shop's own \`external_id\`; sending the same batch again changes nothing and returns the same ids. Body \`{"items": [...]}\` or a bare array, at most 1000 items, checked whole before anything is written: a bad batch is refused with one error object per item, in order (\`{}\` for a good one). ${key}`

/** Keeping Parley's mirror of the shop in step: bulk upserts keyed by the shop's own ids. */
export const syncRoutes: FastifyPluginAsyncTypebox<{ domain: Domain }> = async (app, { domain }) => {
  const sync = domain.catalogSync

  function batchRoute<T>(
    path: string,
    operationId: string,
    summary: string,
    description: string,
    item: TSchema,
    response: TSchema,
    run: (principal: Principal, items: T[]) => Promise<unknown>,
  ) {
    app.post(
      path,
      {
        attachValidation: true,
        preValidation: async (request) => {
          if (Array.isArray(request.body)) request.body = { items: request.body }
        },
        schema: {
          summary,
          description,
          operationId,
          tags: ['Sync'],
          body: Batch(item),
          response: {
            200: response,
            400: Type.Union([
              Type.Array(ErrorResponse, { description: 'One error object per item' }),
              ErrorResponse,
            ]),
          },
        },
      },
      async (request) => {
        throwBatchErrors(request)
        return run(signedInUser(request), (request.body as { items: T[] }).items)
      },
    )
  }

  batchRoute<SyncUser>(
    '/sync/users/',
    'syncUsers',
    'Upsert Users',
    upsertNote('the shop’s customers', 'An email already used by another shop id is refused.'),
    SyncUserSchema,
    SyncResponse,
    async (principal, items) => presentIds(await sync.users(principal, items.map(toUser))),
  )
  batchRoute<SyncSeller>(
    '/sync/sellers/',
    'syncSellers',
    'Upsert Sellers',
    upsertNote('sellers', 'Members are named by users’ `external_id`s and must be synced first.'),
    SyncSellerSchema,
    SyncResponse,
    async (principal, items) => presentIds(await sync.sellers(principal, items.map(toSeller))),
  )
  batchRoute<SyncProduct>(
    '/sync/products/',
    'syncProducts',
    'Upsert Products',
    upsertNote('products', 'The seller is named by its `external_id` and must be synced first.'),
    SyncProductSchema,
    SyncResponse,
    async (principal, items) => presentIds(await sync.products(principal, items.map(toProduct))),
  )
  batchRoute<SyncOrder>(
    '/sync/orders/',
    'syncOrders',
    'Upsert Orders',
    upsertNote('orders with their items', 'Customers and products are named by their `external_id`s.'),
    SyncOrderSchema,
    OrderSyncResponse,
    async (principal, items) => {
      const results = await sync.orders(principal, items.map(toOrder))
      return {
        results: results.map((order) => ({
          external_id: order.externalId,
          id: order.id,
          items: (order.items ?? []).map((line) => ({ external_id: line.externalId, id: line.id })),
        })),
      }
    },
  )
}
