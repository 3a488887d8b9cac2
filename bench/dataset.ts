import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.ts'
import { rowsOf } from '../src/db/rows.ts'
import { companiesRepository } from '../src/domain/accounts/companies-repository.ts'
import { hashPassword, hashToken, newToken } from '../src/domain/accounts/secrets.ts'
import {
  conversationCount,
  type Fixture,
  messageCount,
  ORDER_EVERY,
  ORDER_NUMBER_BASE,
  productCount,
  RARE_MESSAGE_WORD,
  type Shape,
  sessionToken,
  staffUserId,
} from './shape.ts'

export const BENCH_PASSWORD = 'bench-password'

const FIRST_NAMES = ['Maria', 'Ahmet', 'Elif', 'John', 'Aylin', 'Mehmet', 'Sophie', 'Can', 'Zeynep', 'Lucas']
const LAST_NAMES = [
  'Yilmaz',
  'Kaya',
  'Demir',
  'Smith',
  'Martin',
  'Celik',
  'Sahin',
  'Brown',
  'Arslan',
  'Dubois',
]
const SUBJECTS = [
  { en: 'General question', tr: 'Genel soru', order: false },
  { en: 'Problem with my order', tr: 'Siparişimle ilgili sorun', order: true },
  { en: 'Returns and refunds', tr: 'İade ve geri ödeme', order: false },
  { en: 'Shipping', tr: 'Kargo', order: false },
]
/**
 * What staff search for, each in both sets and among the unviewed (n % 3 = 0): contact 12's email, contact
 * 9's order number (the form's "Problem with my order", n % 4 = 1), a word one contact in 500 writes, and a
 * word of a subject and of a message that ~40% of contacts hold.
 */
const SEARCH_TERMS = ['elif.kaya12@example.test', 'PZ-700009', 'scratched', 'refund']

const textArray = (values: string[]) => `array[${values.map((value) => `'${value}'`).join(',')}]`

/**
 * Every statement of the load, in order. Numbers are ours and inlined; the few strings arrive as parameters.
 * Ids are written explicitly (OVERRIDING SYSTEM VALUE) from the formulas in shape.ts, and the identity
 * sequences are moved past them at the end, so the app's own inserts continue from there.
 */
function loadStatements(
  shape: Shape,
  companyId: number,
  locationId: number,
  passwordHash: string,
  secret: string,
) {
  const C = shape.customers
  const S = shape.sellers
  const P = productCount(shape)
  const K = shape.conversationsPerCustomer
  const N = conversationCount(shape)
  const M = shape.messagesPerConversation
  const total = messageCount(shape)
  const staffFirst = C + S + 1
  const lastUser = C + S + shape.staff
  // Message id r*N + i is round r+1 of conversation i: rounds interleave across conversations as real traffic
  // does. Times run up to two days ago, so no event would still be kept for replay (24 h retention).
  const at = (id: string) =>
    `(now() - interval '2 days' - (${total} - (${id})) * (interval '10 days' / ${total}))`
  const customerOf = (i: string) => `(((${i}) - 1) % ${C} + 1)`
  const indexOf = (i: string) => `(((${i}) - 1) / ${C})`
  const isStaff = (i: string) => `(${indexOf(i)} = ${K - 1})`
  const productOf = (i: string) => `(((${customerOf(i)} - 1) * ${K} + ${indexOf(i)}) % ${P} + 1)`
  const sellerOf = (i: string) =>
    `case when ${isStaff(i)} then null else (${productOf(i)} - 1) % ${S} + 1 end`
  const lastId = (i: string) => `(${(M - 1) * N} + (${i}))`
  // The customer has read everything in one conversation out of three; elsewhere the seller's last reply waits.
  const customerRead = (i: string) =>
    `case when (${i}) % 3 = 0 then ${lastId(i)} else ${lastId(i)} - ${N} end`
  const counts = { customer: Math.ceil(M / 2), counterparty: Math.floor(M / 2) }

  const contactAt = (n: string) =>
    `(now() - (${shape.contacts} - (${n})) * (interval '30 days' / ${shape.contacts}))`
  const quote = (value: string) => `'${value.replaceAll("'", "''")}'`

  return [
    // The rows are consistent by construction; skipping the foreign-key triggers is what makes 1M rows quick.
    'set local session_replication_role = replica',
    `insert into users
      (id, company_id, external_id, email, password_hash, first_name, last_name, phone, display_name, city_id,
       is_staff, is_superuser, created_at, updated_at) overriding system value
      select u, ${companyId}, 'bench-user-' || u,
        case when u <= ${C} then 'customer' || u
             when u < ${staffFirst} then 'member' || (u - ${C})
             else 'staff' || (u - ${staffFirst - 1}) end || '@bench.test',
        ${quote(passwordHash)}, (${textArray(FIRST_NAMES)})[u % 10 + 1], (${textArray(LAST_NAMES)})[u / 10 % 10 + 1],
        '+90555' || lpad(u::text, 7, '0'), 'User ' || u, u % 81 + 1, u >= ${staffFirst}, u = ${staffFirst},
        now() - interval '30 days', now() - interval '30 days'
      from generate_series(1, ${lastUser}) u`,
    `insert into sellers
      (id, company_id, external_id, name, city_id, rating, reviews_count, products_count, created_at, updated_at) overriding system value
      select s, ${companyId}, 'bench-seller-' || s, 'Seller ' || s, s % 81 + 1, (3 + (s % 200) / 100.0)::numeric(3,2),
        s % 300, ${shape.productsPerSeller}, now() - interval '60 days', now() - interval '60 days'
      from generate_series(1, ${S}) s`,
    `insert into seller_members (seller_id, user_id) select s, ${C} + s from generate_series(1, ${S}) s`,
    `insert into products
      (id, company_id, external_id, seller_id, location_id, name, price, image_url, images, attributes,
       is_published, published_at, created_at, updated_at) overriding system value
      select p, ${companyId}, 'bench-product-' || p, (p - 1) % ${S} + 1, ${locationId}, 'Product ' || p,
        (100 + p % 900)::numeric(14,2), 'https://img.bench.test/' || p || '.jpg', '[]'::jsonb,
        jsonb_build_object('cityId', p % 81 + 1), true, now() - interval '60 days',
        now() - interval '60 days', now() - interval '60 days'
      from generate_series(1, ${P}) p`,
    `insert into conversations
      (id, company_id, location_id, customer_id, seller_id, subject, type, item_type, item_id, is_public,
       is_answered, last_message_id, last_message_at, message_count, customer_message_count,
       counterparty_message_count, created_at, updated_at) overriding system value
      select i, ${companyId}, ${locationId}, ${customerOf('i')}, ${sellerOf('i')},
        case when ${isStaff('i')} then 'Question for the shop' else 'About product ' || ${productOf('i')} end,
        'message', case when ${isStaff('i')} then null else 'product' end,
        case when ${isStaff('i')} then null else ${productOf('i')} end, false, ${M % 2 === 0},
        ${lastId('i')}, ${at(lastId('i'))}, ${M}, ${counts.customer}, ${counts.counterparty}, ${at('i')},
        ${at(lastId('i'))}
      from generate_series(1, ${N}) i`,
    // Odd rounds are the customer's, even rounds the counterparty's: a seller's member writing as the seller,
    // or a staff member for the shop. What staff search messages for: a customer's first message names an
    // order in some conversations (see shape.ts) and a rare word in one of 500.
    `insert into messages
      (id, conversation_id, sender_user_id, sender_seller_id, side, side_seq, user_type, text, created_at) overriding system value
      select r * ${N} + i, i,
        case when r % 2 = 0 then ${customerOf('i')}
             when ${isStaff('i')} then ${staffFirst} + i % ${shape.staff}
             else ${C} + (${productOf('i')} - 1) % ${S} + 1 end,
        case when r % 2 = 0 then null else ${sellerOf('i')} end,
        case when r % 2 = 0 then 'customer' else 'counterparty' end, r / 2 + 1, 'registered',
        'Message ' || (r + 1) || ' of conversation ' || i || ': is the part still available, and when can it ship?'
          || case when r = 0 and i % ${ORDER_EVERY} = 1 then ' My order is PZ-' || (${ORDER_NUMBER_BASE} + i) || '.'
             else '' end
          || case when r = 0 and i % 500 = 250 then ' The last one came ${RARE_MESSAGE_WORD}.' else '' end,
        ${at(`r * ${N} + i`)}
      from generate_series(0, ${M - 1}) r, generate_series(1, ${N}) i
      order by r, i`,
    `insert into conversation_parties
      (conversation_id, party_type, party_id, last_message_at, last_delivered_message_id, last_read_message_id,
       unread_count)
      select i, 'customer', ${customerOf('i')}, ${at(lastId('i'))}, ${lastId('i')}, ${customerRead('i')},
        case when i % 3 = 0 then 0 else 1 end
      from generate_series(1, ${N}) i
      union all
      select i, case when ${isStaff('i')} then 'staff' else 'seller' end,
        case when ${isStaff('i')} then ${companyId} else (${productOf('i')} - 1) % ${S} + 1 end,
        ${at(lastId('i'))}, ${lastId('i')}, ${lastId('i')}, 0
      from generate_series(1, ${N}) i`,
    `insert into contact_subjects
      (id, company_id, texts, default_language, is_order_needed, position) overriding system value
      values ${SUBJECTS.map(
        (subject, index) =>
          `(${index + 1}, ${companyId}, ${quote(JSON.stringify({ en: subject.en, tr: subject.tr }))}::jsonb, 'en', ${subject.order}, ${index + 1})`,
      ).join(', ')}`,
    // One contact in five was created by staff; the rest came through contact-us and their email went out.
    `insert into contacts
      (id, company_id, source, subject_id, subject, message, first_name, last_name, email, mobile_number,
       operation, user_id, viewed, viewed_at, created_at, updated_at) overriding system value
      select n, ${companyId}, case when n % 5 = 0 then 'staff' else 'contact_us' end, n % 4 + 1,
        (${textArray(SUBJECTS.map((subject) => subject.en))})[n % 4 + 1],
        'Hello, I need help with a ' || (array['refund','delivery','size','invoice','warranty'])[n % 5 + 1]
          || ' for item ' || n || case when n % 4 = 1 then ' of order PZ-' || (700000 + n) else '' end
          || case when n % 500 = 111 then ', it arrived scratched' else '' end,
        (${textArray(FIRST_NAMES)})[n % 10 + 1], (${textArray(LAST_NAMES)})[n / 10 % 10 + 1],
        lower((${textArray(FIRST_NAMES)})[n % 10 + 1] || '.' || (${textArray(LAST_NAMES)})[n / 10 % 10 + 1])
          || n || '@example.test',
        '+90532' || lpad(n::text, 7, '0'), case when n % 5 = 0 then null else 'default' end,
        case when n % 2 = 0 then (n - 1) % ${C} + 1 end, n % 3 <> 0,
        case when n % 3 <> 0 then ${contactAt('n')} + interval '1 hour' end,
        ${contactAt('n')}, case when n % 3 <> 0 then ${contactAt('n')} + interval '1 hour' else ${contactAt('n')} end
      from generate_series(1, ${shape.contacts}) n`,
    `insert into outbox (company_id, kind, payload, contact_id, status, attempts, next_attempt_at, created_at, sent_at)
      select ${companyId}, 'email', jsonb_build_object(
          'messageId', '<bench-' || c.id || '@parley.local>', 'to', jsonb_build_array('support@bench.test'),
          'cc', '[]'::jsonb, 'bcc', '[]'::jsonb, 'replyTo', null,
          'subject', 'Contact us #' || c.id || ': ' || c.subject || ' - ' || c.first_name || ' ' || c.last_name,
          'text', 'Name: ' || c.first_name || ' ' || c.last_name || E'\\n\\n' || c.message || E'\\n',
          'attachments', '[]'::jsonb),
        c.id, 'sent', 1, c.created_at, c.created_at, c.created_at + interval '1 second'
      from contacts c where c.source = 'contact_us' order by c.id`,
    `insert into sessions (token_hash, user_id, expires_at)
      select encode(sha256(convert_to(${quote(secret)} || '.' || u, 'UTF8')), 'hex'), u, now() + interval '14 days'
      from generate_series(1, ${lastUser}) u`,
    `insert into api_keys (user_id, name, prefix, key_hash)
      select u, 'bench', left('prl_' || ${quote(secret)} || '_' || u, 8),
        encode(sha256(convert_to('prl_' || ${quote(secret)} || '_' || u, 'UTF8')), 'hex')
      from generate_series(${staffFirst}, ${lastUser}) u`,
    ...['users', 'sellers', 'products', 'conversations', 'messages', 'contact_subjects', 'contacts'].map(
      (table) => `select setval(pg_get_serial_sequence('${table}', 'id'), (select max(id) from ${table}))`,
    ),
  ]
}

/**
 * Loads one dataset into a migrated, empty database in a single transaction and returns what the bench
 * clients need. One scrypt hash serves every user: hashing 10k passwords would measure scrypt, not Parley.
 */
export async function loadDataset(db: Db, shape: Shape): Promise<Fixture> {
  await companiesRepository.ensureDefault(db)
  const [place] = rowsOf<{ company_id: number; location_id: number }>(
    await db.execute(sql`select company_id, id as location_id from locations order by id limit 1`),
  )
  if (!place) throw new Error('the default company has no location')
  const companyId = Number(place.company_id)
  const secret = newToken(18)
  const statements = loadStatements(
    shape,
    companyId,
    Number(place.location_id),
    await hashPassword(BENCH_PASSWORD),
    secret,
  )
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(sql.raw(statement))
  })
  const fixture: Fixture = {
    shape,
    companyId,
    subjectIds: SUBJECTS.map((_subject, index) => index + 1),
    sessionSecret: secret,
    staffKeys: Array.from(
      { length: shape.staff },
      (_, index) => `prl_${secret}_${staffUserId(shape, index)}`,
    ),
    searchTerms: SEARCH_TERMS,
  }
  await checkSecrets(db, fixture)
  return fixture
}

/** The SQL hashes must be the ones Parley computes, or every client would be anonymous. */
async function checkSecrets(db: Db, fixture: Fixture) {
  const userId = 1
  const [session] = rowsOf<{ user_id: number }>(
    await db.execute(
      sql`select user_id from sessions where token_hash = ${hashToken(sessionToken(fixture, userId))}`,
    ),
  )
  const [key] = rowsOf<{ user_id: number }>(
    await db.execute(
      sql`select user_id from api_keys where key_hash = ${hashToken(fixture.staffKeys[0] ?? '')}`,
    ),
  )
  if (Number(session?.user_id) !== userId || !key)
    throw new Error('the loaded session or key hashes do not match Parley')
}
