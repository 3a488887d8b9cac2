import { type SQL, sql } from 'drizzle-orm'

/*
 * The `data` of each event, built in SQL from the rows the change wrote so it is queued in the change's own
 * statement: snake_case as the staff API writes it, ids as strings, times in ISO 8601 (UTC), the company
 * named, and nothing a receiver must not see (no password hash, token or secret, no other tenant's rows).
 */

/** A timestamp column as JavaScript's toISOString writes it. */
export const isoOf = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

const idText = (column: SQL) => sql`${column}::text`

/** A contact row aliased `c` (every column of `contacts`), as `contact.*` events carry it. */
export const contactData = (c: string) => {
  const col = (name: string) => sql.raw(`${c}.${name}`)
  return sql`jsonb_build_object('company_id', ${idText(col('company_id'))}, 'contact', jsonb_build_object(
    'id', ${idText(col('id'))}, 'source', ${col('source')}, 'subject', ${col('subject')},
    'subject_id', ${idText(col('subject_id'))}, 'message', ${col('message')},
    'first_name', ${col('first_name')}, 'last_name', ${col('last_name')}, 'email', ${col('email')},
    'mobile_number', ${col('mobile_number')}, 'order_id', ${idText(col('order_id'))},
    'operation', ${col('operation')}, 'user_id', ${idText(col('user_id'))}, 'viewed', ${col('viewed')},
    'viewed_at', ${isoOf(col('viewed_at'))}, 'created_at', ${isoOf(col('created_at'))}))`
}

/** A message row aliased `m` of the company `companyId`, as `message.created` carries it. */
export const messageData = (m: string, companyId: SQL) => {
  const mc = (name: string) => sql.raw(`${m}.${name}`)
  return sql`jsonb_build_object('company_id', ${idText(companyId)}, 'message', jsonb_build_object(
    'id', ${idText(mc('id'))}, 'conversation_id', ${idText(mc('conversation_id'))},
    'side', ${mc('side')}, 'sender', jsonb_build_object(
      'user_id', ${idText(mc('sender_user_id'))}, 'seller_id', ${idText(mc('sender_seller_id'))}),
    'user_type', ${mc('user_type')}, 'text', ${mc('text')}, 'has_image', ${mc('image')} is not null,
    'created_at', ${isoOf(mc('created_at'))}))`
}

/** A conversation row aliased `c`, as `conversation.*` events carry it. */
export const conversationData = (c: string) => {
  const col = (name: string) => sql.raw(`${c}.${name}`)
  return sql`jsonb_build_object('company_id', ${idText(col('company_id'))}, 'conversation', jsonb_build_object(
    'id', ${idText(col('id'))}, 'customer_id', ${idText(col('customer_id'))},
    'seller_id', ${idText(col('seller_id'))}, 'location_id', ${idText(col('location_id'))},
    'subject', ${col('subject')}, 'type', ${col('type')}, 'item_type', ${col('item_type')},
    'item_id', ${idText(col('item_id'))}, 'is_public', ${col('is_public')}, 'archived', ${col('archived')},
    'deleted', ${col('deleted')}, 'deleted_at', ${isoOf(col('deleted_at'))},
    'deleted_reason', ${col('deleted_reason')}, 'created_at', ${isoOf(col('created_at'))}))`
}

/** A party's read state row aliased `cp` of a conversation aliased `c`, as `message.read` carries it. */
export const readData = (cp: string, c: string) => {
  const pc = (name: string) => sql.raw(`${cp}.${name}`)
  const cc = (name: string) => sql.raw(`${c}.${name}`)
  return sql`jsonb_build_object('company_id', ${idText(cc('company_id'))},
    'conversation_id', ${idText(cc('id'))}, 'party_type', ${pc('party_type')},
    'party_id', ${idText(pc('party_id'))}, 'last_read_message_id', ${idText(pc('last_read_message_id'))})`
}

/** A staff answer to a contact, aliased `r`, as `contact.replied` carries it beside the contact. */
export const replyData = (r: string) => {
  const col = (name: string) => sql.raw(`${r}.${name}`)
  return sql`jsonb_build_object('reply', jsonb_build_object('id', ${idText(col('id'))}, 'body', ${col('body')},
    'author_id', ${idText(col('author_id'))}, 'created_at', ${isoOf(col('created_at'))}))`
}
