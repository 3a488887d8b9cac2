/**
 * The floor's read statements: what a hand-written endpoint must read to answer each read as its contract
 * renders it, the people, sellers and products a conversation shows included, each built into JSON by
 * PostgreSQL in the one statement. Each SQL fragment takes the SQL of the id it shows.
 */

/** A record of the select list `columns` (with its FROM and WHERE) as a JSON object. */
const objectOf = (columns: string) => `(select row_to_json(x) from (select ${columns}) x)`

// The storefront's people and things.
const storefrontUser = (id: string) =>
  objectOf(`u.id, u.first_name, u.last_name, u.email, u.phone from users u where u.id = ${id}`)
const storefrontSeller = (id: string) => objectOf(`s.id, s.name from sellers s where s.id = ${id}`)
const storefrontProduct = (id: string) =>
  objectOf(`pr.id, pr.name, pr.price::text as price, pr.image_url as image,
    ${storefrontSeller('pr.seller_id')} as seller from products pr where pr.id = ${id}`)

/** Message `m` as the storefront shows it: its sender is a user, or the seller it wrote for. */
const storefrontMessage = (m: string) =>
  objectOf(`${m}.id, ${m}.text as message_content, ${m}.user_type,
    case when ${m}.sender_seller_id is null then ${storefrontUser(`${m}.sender_user_id`)}
      else ${storefrontSeller(`${m}.sender_seller_id`)} end as content_object,
    ${m}.created_at as created_date`)

/** Conversation `c` as the storefront shows it, with `messages` (SQL of a JSON array) as its message_set. */
const storefrontConversation = (c: string, messages: string) =>
  objectOf(`${c}.id, ${c}.subject, ${storefrontUser(`${c}.customer_id`)} as user, ${messages} as message_set,
    ${c}.type as conversation_type, ${c}.last_message_at as last_message_date, ${c}.is_public, ${c}.is_answered,
    ${storefrontSeller(`${c}.seller_id`)} as datasource,
    case when ${c}.item_type = 'product' then ${storefrontProduct(`${c}.item_id`)} end as item_object,
    ${c}.item_type as item_content`)

/**
 * A customer's conversations, newest first, each with its last message, and how many it has. The order is
 * the inbox index's own (DESC NULLS LAST): a plain DESC would sort every row of the party.
 */
export const STOREFRONT_INBOX = `
  select (select count(*)::int from conversation_parties p join conversations c on c.id = p.conversation_id
      where p.party_type = 'customer' and p.party_id = $1 and not c.deleted) as total,
    coalesce(json_agg(page.conversation order by page.at desc, page.id desc), '[]') as results from (
    select p.last_message_at as at, p.conversation_id as id,
      ${storefrontConversation('c', `json_build_array(${storefrontMessage('m')})`)} as conversation
    from conversation_parties p
    join conversations c on c.id = p.conversation_id
    left join messages m on m.id = c.last_message_id
    where p.party_type = 'customer' and p.party_id = $1 and not c.deleted
    order by p.last_message_at desc nulls last, p.conversation_id desc nulls last
    limit $2) page`

/** A conversation with its latest page of messages, oldest first, as the storefront's retrieve answers it. */
export const STOREFRONT_CONVERSATION = `
  select ${storefrontConversation(
    'c',
    `(select coalesce(json_agg(page.message order by page.id), '[]') from (
      select m.id, ${storefrontMessage('m')} as message from messages m
      where m.conversation_id = c.id order by m.id desc limit $2) page)`,
  )} as conversation
  from conversations c where c.id = $1`

// The vendor API's public profiles: a user's and a seller's read alike.
const userProfile = (id: string) =>
  objectOf(`u.id, coalesce(u.display_name, u.first_name || ' ' || u.last_name) as display_name, u.avatar_url,
    u.city_id, '0.00' as rating, 0 as reviews_count, 0 as products_count, u.created_at
    from users u where u.id = ${id}`)
const sellerProfile = (id: string) =>
  objectOf(`s.id, s.name as display_name, s.avatar_url, s.city_id, s.rating::text as rating, s.reviews_count,
    s.products_count, s.created_at from sellers s where s.id = ${id}`)
const vendorProduct = (id: string) =>
  objectOf(`pr.id, pr.name as title, pr.price, pr.attributes -> 'steering' as steering,
    pr.attributes -> 'city_id' as city_id, pr.attributes -> 'region_id' as region_id,
    pr.attributes -> 'district_id' as district_id, pr.attributes -> 'metro_station_id' as metro_station_id,
    pr.attributes -> 'metro_distance_m' as metro_distance_m, pr.attributes -> 'address_id' as address_id,
    pr.images, ${sellerProfile('pr.seller_id')} as seller, pr.published_at from products pr where pr.id = ${id}`)

/**
 * A seller's dialogs, newest first, each with its product, both participants' profiles and its last message
 * marked as the customer read it, and the seller's unread total and the page's cursor.
 */
export const VENDOR_INBOX = `
  with page as (
    select p.conversation_id, p.last_message_at, p.unread_count from conversation_parties p
    join conversations c on c.id = p.conversation_id
    where p.party_type = 'seller' and p.party_id = $1 and not c.deleted
    order by p.last_message_at desc nulls last, p.conversation_id desc nulls last
    limit $2
  )
  select coalesce((select json_agg(dialog order by at desc, id desc) from (
      select page.last_message_at as at, c.id, ${objectOf(`c.id, c.item_id as product_id,
        ${vendorProduct('c.item_id')} as product,
        json_build_array(${userProfile('c.customer_id')}, ${sellerProfile('c.seller_id')}) as participants,
        ${objectOf(`m.id, m.conversation_id, coalesce(m.sender_seller_id, m.sender_user_id) as sender_id, m.text,
          m.image ->> 'key' as image_url, cu.last_read_message_id >= m.id as is_read,
          cu.last_delivered_message_id >= m.id as is_delivered, m.created_at`)} as last_message,
        page.unread_count, c.created_at, c.updated_at`)} as dialog
      from page join conversations c on c.id = page.conversation_id
      left join messages m on m.id = c.last_message_id
      left join conversation_parties cu on cu.conversation_id = c.id and cu.party_type = 'customer') dialogs), '[]')
      as data,
    json_build_object(
      'next_cursor', (select last_message_at::text || '/' || conversation_id from page
        order by last_message_at, conversation_id limit 1),
      'total_unread', (select coalesce(sum(unread_count), 0)::int from conversation_parties
        where party_type = 'seller' and party_id = $1 and unread_count > 0)) as meta`

// The staff's references to people, sellers and things.
const staffUser = (id: string) =>
  objectOf(`u.id, u.email, u.first_name, u.last_name from users u where u.id = ${id}`)

/**
 * Conversation `c`, its last message `m` joined, as the staff inbox lists it: its customer, seller, assignee,
 * product or order item, and last message with its sender's role.
 */
export const STAFF_CONVERSATION_COLUMNS = `c.id, c.subject, c.type,
  case when c.deleted then 'deleted' when c.archived then 'archived' when c.is_answered then 'answered'
    else 'open' end as status, c.archived, c.deleted,
  case when c.seller_id is null then 'shop' else 'seller' end as counterparty,
  ${staffUser('c.customer_id')} as customer, ${storefrontSeller('c.seller_id')} as seller,
  ${staffUser('c.assignee_id')} as assignee,
  case when c.item_type = 'product' then ${objectOf(`pr.id, pr.name, pr.image_url from products pr
    where pr.id = c.item_id`)} end as product,
  case when c.item_type = 'orderitem' then ${objectOf(`oi.id, o.number as order_number, pr.name as product_name
    from order_items oi join orders o on o.id = oi.order_id join products pr on pr.id = oi.product_id
    where oi.id = c.item_id`)} end as order_item,
  ${objectOf(`m.id, m.text, case when m.side = 'customer' then 'customer'
    when m.sender_seller_id is not null then 'seller' else 'staff' end as sender_role, m.created_at`)}
    as last_message,
  greatest(0, c.customer_message_count - c.staff_read_seq) as unread_count, c.created_at, c.last_message_at`
