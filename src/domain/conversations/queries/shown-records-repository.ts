import { type Placeholder, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import type { ConversationItem, ProductSummary, SellerSummary, UserSummary } from '../types.ts'

/*
 * The shop's records that conversations show beside their own rows — customers and other users, sellers,
 * products and order items — read by id, all kinds in one statement. Views name them by id and find them in
 * the shown cache (shown-cache.ts), which reads here only the ones it does not hold.
 */

/** A domain type as it arrives in a JSON column: its dates are ISO 8601 strings. */
export type Json<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Json<T[K]> } : T

/**
 * A JSON object of the SQL select list `columns` (with its FROM and WHERE, if any), each field named by its
 * column's name or alias. PostgreSQL builds it from the record's row type for less than json_build_object
 * costs, which handles each key as a value of its own (the vendor's dialogs are records too: see
 * dialogs-repository.ts).
 */
export const objectOf = (columns: string) => `(select row_to_json(obj) from (select ${columns}) obj)`

/** The ids a statement or a page needs shown, by kind. */
export type ShownIds = { users: number[]; sellers: number[]; products: number[]; orderItems: number[] }

/** The records of some ids, each kind in a list; an id with no row is left out. */
export type ShownRecords = { users: UserSummary[]; sellers: SellerSummary[]; items: ConversationItem[] }

const userColumns = (alias: string) => `${alias}.id, ${alias}.email, ${alias}.first_name as "firstName",
  ${alias}.last_name as "lastName", ${alias}.phone, ${alias}.gender, ${alias}.display_name as "displayName",
  ${alias}.avatar_url as "avatarUrl", ${alias}.city_id as "cityId", ${alias}.created_at as "createdAt"`

const USER = userColumns('u')

/** The shown record of the `users` row under `alias`, as JSON (see toUser). */
export const userRecordOf = (alias: string) =>
  sql<Json<UserSummary>>`${sql.raw(objectOf(userColumns(alias)))}`

const SELLER = `s.id, s.name, s.avatar_url as "avatarUrl", s.city_id as "cityId", s.rating::text as rating,
  s.reviews_count as "reviewsCount", s.products_count as "productsCount", s.created_at as "createdAt"`

// Numerics go out as text: a JSON number would lose their scale ("2500.00" -> 2500).
const productOf = (alias: string) =>
  objectOf(`${alias}.id, ${alias}.name, ${alias}.price::text as price, ${alias}.image_url as "imageUrl",
  ${alias}.images, ${alias}.attributes, ${alias}.is_published as "isPublished",
  ${alias}.published_at as "publishedAt", ${alias}.location_id as "locationId",
  (select ${objectOf('ps.id, ps.name')} from sellers ps where ps.id = ${alias}.seller_id) as seller`)

// An order item is shown only when the order item, its order and its product all exist.
const PRODUCT_ITEM = `'product'::text as type, ${productOf('p')} as product from products p where p.id = ids.id`
const ORDER_ITEM = `'orderitem'::text as type,
  ${objectOf('oi.id, oi.status, oi.quantity, oi.price::text as price')} as "orderItem",
  ${objectOf('o.id, o.number, o.status')} as "order", ${productOf('p')} as product
  from order_items oi join orders o on o.id = oi.order_id join products p on p.id = oi.product_id
  where oi.id = ids.id`

/**
 * A JSON array of the object of `record` for each id of the JSON array `ids`, once each. Each id is looked
 * up on its own by a scalar subquery, a probe of the primary key, so the cost follows the ids, not the table:
 * asked for `id = any(ids)`, PostgreSQL scanned every seller to find the page's few.
 */
const eachOf = (record: string, ids: Placeholder) =>
  sql`(select json_agg(${sql.raw(objectOf(record))})
    from (select distinct value::bigint as id from json_array_elements_text(${ids}::json)) ids)`

type RecordsJson = { [K in 'users' | 'sellers' | 'products' | 'orderItems']: unknown[] | null }

const recordsSelect = (db: Db) =>
  db
    .select({
      records: sql<RecordsJson>`json_build_object(
        'users', ${eachOf(`${USER} from users u where u.id = ids.id`, sql.placeholder('users'))},
        'sellers', ${eachOf(`${SELLER} from sellers s where s.id = ids.id`, sql.placeholder('sellers'))},
        'products', ${eachOf(PRODUCT_ITEM, sql.placeholder('products'))},
        'orderItems', ${eachOf(ORDER_ITEM, sql.placeholder('orderItems'))})`,
    })
    .from(sql`(select 1) as one`)

const recordsQuery = (db: Db) => recordsSelect(db).prepare('shown_records')

/**
 * The statement that reads shown records, its four id lists as $1-$4: migration 0006's triggers must notify a
 * change to every column it reads (test/db/shown-triggers.test.ts compares them).
 */
export const shownRecordsStatement = (db: Db) => recordsSelect(db).toSQL().sql

const dateOf = (iso: string) => new Date(iso)

export const toUser = (user: Json<UserSummary>): UserSummary => ({
  ...user,
  createdAt: dateOf(user.createdAt),
})

const toSeller = (seller: Json<SellerSummary>): SellerSummary => ({
  ...seller,
  createdAt: dateOf(seller.createdAt),
})

const toProduct = (product: Json<ProductSummary>): ProductSummary => ({
  ...product,
  publishedAt: product.publishedAt === null ? null : dateOf(product.publishedAt),
})

const toItem = (item: Json<ConversationItem>): ConversationItem =>
  item.type === 'product'
    ? { type: 'product', product: toProduct(item.product) }
    : { ...item, product: toProduct(item.product) }

/** The non-null entries of a JSON list, converted. */
const present = <T, U>(list: unknown[] | null, convert: (value: T) => U): U[] =>
  (list ?? []).flatMap((value) => (value === null ? [] : [convert(value as T)]))

export const shownRecordsRepository = {
  async find(db: Db, ids: ShownIds): Promise<ShownRecords> {
    const query = prepared(db, 'shown_records', recordsQuery)
    const [row] = await query.execute({
      users: JSON.stringify(ids.users),
      sellers: JSON.stringify(ids.sellers),
      products: JSON.stringify(ids.products),
      orderItems: JSON.stringify(ids.orderItems),
    })
    const records = row?.records
    return {
      users: present(records?.users ?? null, toUser),
      sellers: present(records?.sellers ?? null, toSeller),
      items: [...present(records?.products ?? null, toItem), ...present(records?.orderItems ?? null, toItem)],
    }
  },
}
