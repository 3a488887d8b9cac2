/**
 * The floor: bare Fastify and `pg` (or PGlite when embedded), no Parley code, each route the statements a
 * hand-written endpoint needs to meet the same contract. No auth, no validation, no presenters: what this
 * does per request is the least any implementation must do, so Parley ÷ floor is Parley's overhead.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import multipart from '@fastify/multipart'
import Fastify, { type FastifyRequest } from 'fastify'
import nodemailer from 'nodemailer'
import pg from 'pg'
import {
  STAFF_CONVERSATION_COLUMNS,
  STOREFRONT_CONVERSATION,
  STOREFRONT_INBOX,
  VENDOR_INBOX,
} from './floor-views.ts'

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>

async function connect(): Promise<Query> {
  const pgliteDir = process.env.FLOOR_PGLITE_DIR
  if (pgliteDir) {
    const { PGlite } = await import('@electric-sql/pglite')
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
    // Parley's trigram indexes on messages and contacts need it to write a row or search.
    const client = new PGlite(pgliteDir, { extensions: { pg_trgm } })
    await client.waitReady
    return (text, params) => client.query(text, params)
  }
  const pool = new pg.Pool({
    connectionString: process.env.FLOOR_DATABASE_URL,
    max: Number(process.env.FLOOR_POOL_SIZE ?? 20),
  })
  return (text, params) => pool.query(text, params)
}

// One statement: the conversation row is locked first and hands out the message id and its side's rank, the
// message goes in, and both parties' inbox rows move (the sender has read its own message).
const WRITE_MESSAGE = `
  with c as (
    update conversations set
      message_count = message_count + 1,
      customer_message_count = customer_message_count + ($2 = 'customer')::int,
      counterparty_message_count = counterparty_message_count + ($2 = 'counterparty')::int,
      is_answered = $2 = 'counterparty',
      last_message_id = nextval('messages_id_seq'), last_message_at = now(), updated_at = now()
    where id = $1
    returning id, last_message_id,
      case when $2 = 'customer' then customer_message_count else counterparty_message_count end as side_seq
  ), m as (
    insert into messages (id, conversation_id, sender_user_id, sender_seller_id, side, side_seq, text)
      overriding system value
    select c.last_message_id, c.id, $3, $4, $2, c.side_seq, $5 from c
    returning id, conversation_id, side, side_seq, text, created_at
  ), p as (
    update conversation_parties set last_message_at = m.created_at,
      last_delivered_message_id = case when (party_type = 'customer') = ($2 = 'customer') then m.id else last_delivered_message_id end,
      last_read_message_id = case when (party_type = 'customer') = ($2 = 'customer') then m.id else last_read_message_id end,
      unread_count = case when (party_type = 'customer') = ($2 = 'customer') then 0 else unread_count + 1 end
    from m where conversation_parties.conversation_id = m.conversation_id
  )`

const POST_MESSAGE = `${WRITE_MESSAGE} select * from m`

// With a webhook endpoint registered, the message and its delivery go in together, as an outbox must have it.
const POST_MESSAGE_WITH_WEBHOOK = `${WRITE_MESSAGE}, w as (
    insert into floor_webhooks (payload)
    select json_build_object('type', 'message.created', 'timestamp', m.created_at, 'data', row_to_json(m)) from m
  )
  select * from m`

const READ = `
  update conversation_parties p
  set last_delivered_message_id = c.last_message_id, last_read_message_id = c.last_message_id, unread_count = 0
  from conversations c
  where c.id = $1 and p.conversation_id = c.id and p.party_type = $2
  returning p.conversation_id, p.last_read_message_id, p.unread_count`

// Contact-us's contract is the contact and its email to the shop, so the floor writes both in one statement.
// Its outbox is a table of its own: Parley's worker would deliver the floor's emails from Parley's.
const FLOOR_OUTBOX = `
  create table if not exists floor_outbox (id bigserial primary key, subject text not null, body text not null,
    attachment jsonb, status text not null default 'pending')`

const POST_CONTACT = `
  with c as (
    insert into contacts (company_id, source, subject_id, subject, message, first_name, last_name, email,
      mobile_number, operation, attachment)
    select $1, 'contact_us', s.id, s.texts->>'en', $3, $4, $5, $6, $7, 'default', $8
    from contact_subjects s where s.id = $2
    returning id, subject, message, first_name, last_name, email, attachment, created_at
  ), o as (
    insert into floor_outbox (subject, body, attachment)
    select 'Contact us: ' || subject, first_name || ' ' || last_name || ' <' || email || E'>\n\n' || message,
      attachment
    from c
  )
  select id, subject, created_at from c`

const CLAIM_EMAILS = `
  update floor_outbox set status = 'sending'
  where id in (select id from floor_outbox where status = 'pending' order by id limit 50 for update skip locked)
  returning id, subject, body, attachment`

const EMAILS_DONE = `update floor_outbox set status = $2 where id = any($1::bigint[])`

const FLOOR_WEBHOOKS = `
  create table if not exists floor_webhooks (id bigserial primary key, payload jsonb not null,
    status text not null default 'pending')`

const CLAIM_WEBHOOKS = `
  update floor_webhooks set status = 'sending'
  where id in (select id from floor_webhooks where status = 'pending' order by id limit 50 for update skip locked)
  returning id, payload`

const WEBHOOKS_DONE = `update floor_webhooks set status = $2 where id = any($1::bigint[])`

const DROP_WEBHOOKS = `delete from floor_webhooks`

/** What the floor has queued and not yet delivered, emails and webhooks. */
const PENDING = `select (select count(*) from floor_outbox where status <> 'sent')::int
  + (select count(*) from floor_webhooks where status <> 'sent')::int as pending`

// The search runs over the lowered text Parley's trigram index covers (contacts.search_text), and counts its
// first matches in order up to the API's search bound of 1,000, as a hand-written endpoint on that schema
// would, taking the page from them; a page carries what the staff API's contract has each contact carry (its
// order and items, user, assignee, emails and replies) and the company's unviewed total, counted up to 1,000.
const CONTACTS = `
  with f as (
    select id, created_at from contacts
    where company_id = $1 and viewed = $2 and search_text like lower($3)
    order by created_at desc, id desc limit 1001
  ), page as (
    select id, created_at from f order by created_at desc, id desc limit $4
  )
  select (select count(*) from f) as count,
    (select count(*) from (select 1 from contacts where company_id = $1 and not viewed limit 1001) u)
      as total_unviewed,
    coalesce((select json_agg(r order by r.created_at desc, r.id desc) from (
      select c.id, c.subject, c.message, c.first_name, c.last_name, c.email, c.mobile_number, c.viewed,
        c.viewed_at, c.created_at, c.updated_at, c.source, c.subject_id, c.operation, c.attachment, c.status,
        o.number as order_number, u.email as user_email,
        (select coalesce(json_agg(json_build_object('id', oi.id, 'product_name', p.name, 'quantity', oi.quantity)
          order by oi.id), '[]') from order_items oi join products p on p.id = oi.product_id
          where oi.order_id = c.order_id) as order_items,
        (select json_build_object('id', a.id, 'email', a.email, 'first_name', a.first_name,
          'last_name', a.last_name) from users a where a.id = c.assignee_id) as assignee,
        (select coalesce(json_agg(json_build_object('id', e.id, 'to', e.payload -> 'to', 'status', e.status,
          'attempts', e.attempts, 'last_error', e.last_error, 'created_at', e.created_at, 'sent_at', e.sent_at)
          order by e.id), '[]') from outbox e where e.contact_id = c.id) as emails,
        (select coalesce(json_agg(json_build_object('id', cr.id, 'body', cr.body, 'author_id', cr.author_id,
          'created_at', cr.created_at) order by cr.id), '[]') from contact_replies cr where cr.contact_id = c.id)
          as replies
      from page join contacts c on c.id = page.id
      left join orders o on o.id = c.order_id
      left join users u on u.id = c.user_id) r), '[]') as results`

// Staff's list as Parley's contract has it: a page of 25 in the asked order, its count stopped past 1,000
// (past 100 for a search), and the company's unread total stopped past 1,000, walking the staff indexes.
const STAFF_WHERE: Record<string, string> = {
  'ordering=unread': 'true',
  'status=answered': 'not c.archived and c.is_answered',
  'unread=true&ordering=unread': 'c.customer_message_count > c.staff_read_seq',
}
const BY_ACTIVITY = 'c.last_message_at desc, c.id desc'
const UNREAD_FIRST = `(c.customer_message_count > c.staff_read_seq) desc, ${BY_ACTIVITY}`

/** The page, count and unread total of the staff conversations in `matched` (ids numbered by `position`). */
const staffPage = (matched: string) => `
  with matched as (${matched}),
  page as (select id, position from matched order by position limit 25)
  select (select count(*) from matched) as count,
    (select count(*) from (select 1 from conversations c where c.company_id = $1 and not c.deleted
      and c.customer_message_count > c.staff_read_seq limit 1001) u) as total_unread,
    coalesce((select json_agg(r order by r.position) from (
      select p.position, ${STAFF_CONVERSATION_COLUMNS}
      from page p join conversations c on c.id = p.id left join messages m on m.id = c.last_message_id) r), '[]')
      as results`

const staffList = (where: string, order: string) =>
  staffPage(`select c.id, row_number() over (order by ${order}) as position from conversations c
    where c.company_id = $1 and not c.deleted and ${where} order by ${order} limit 1001`)

/** A term held in the subject or a message, tested conversation by conversation (`$n` its pattern). */
const holds = (param: string) => `(c.subject ilike ${param} or exists (select 1 from messages m
  where m.conversation_id = c.id and m.text ilike ${param} offset 0))`

/** A search walking the newest conversations, or (`rare`) starting from the rare term's trigram index. */
function staffSearch(terms: number, rare: boolean) {
  const tested = Array.from({ length: terms }, (_, index) => index + 2).filter((param) => !rare || param > 2)
  const where = [
    'c.company_id = $1',
    'not c.deleted',
    ...(rare
      ? [
          'c.id in (select conversation_id from messages where text ilike $2 union select id from conversations where subject ilike $2)',
        ]
      : []),
    ...tested.map((param) => holds(`$${param}`)),
  ]
  return staffPage(`select c.id, row_number() over (order by ${BY_ACTIVITY}) as position from conversations c
    where ${where.join(' and ')} order by ${BY_ACTIVITY} limit 101`)
}

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`

type Id = { id: string }
type MessageBody = { side: string; sender_user_id: number; sender_seller_id: number | null; text: string }
type ContactBody = {
  company_id: number | string
  subject: number | string
  message: string
  first_name: string
  last_name: string
  email: string
  phone: string
}

const blobDir = process.env.FLOOR_BLOB_DIR ?? ''
if (blobDir === '') throw new Error('FLOOR_BLOB_DIR must name the folder for uploaded files')

type Attachment = { key: string; filename: string; contentType: string; size: number }

const blobPath = (key: string) => join(blobDir, key.slice(0, 2), key)

/** Stores an uploaded file as Parley's blob store does: under a fresh key, written aside and renamed. */
async function storeBlob(content: Buffer) {
  const key = randomUUID()
  await mkdir(join(blobDir, key.slice(0, 2)), { recursive: true })
  await writeFile(`${blobPath(key)}.part`, content)
  await rename(`${blobPath(key)}.part`, blobPath(key))
  return key
}

/** A multipart form's fields, and its file stored as a blob and described as Parley records it. */
async function readForm(request: FastifyRequest) {
  const fields: Record<string, string> = {}
  let attachment: Attachment | null = null
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const content = await part.toBuffer()
      const key = await storeBlob(content)
      attachment = { key, filename: part.filename, contentType: part.mimetype, size: content.length }
    } else if (typeof part.value === 'string') fields[part.fieldname] = part.value
  }
  return { body: fields as unknown as ContactBody, attachment }
}

/**
 * Runs `send` over the rows `claim` hands out, a batch at a time, and records each outcome with `done`; woken
 * by each accepted request: the least an endpoint that promises a delivery must run beside its requests.
 */
function deliveryWorker<Row extends { id: string }>(
  claim: string,
  done: string,
  send: (row: Row) => Promise<unknown>,
) {
  let running = false
  let woken = false
  async function deliver() {
    running = true
    try {
      do {
        woken = false
        const { rows } = (await query(claim, [])) as { rows: Row[] }
        const outcomes = await Promise.all(
          rows.map((row) =>
            send(row).then(
              () => ({ id: row.id, sent: true }),
              () => ({ id: row.id, sent: false }),
            ),
          ),
        )
        for (const sent of [true, false]) {
          const ids = outcomes.filter((outcome) => outcome.sent === sent).map((outcome) => outcome.id)
          if (ids.length > 0) await query(done, [ids, sent ? 'sent' : 'failed'])
        }
        if (rows.length > 0) woken = true
      } while (woken)
    } finally {
      running = false
    }
  }
  return () => {
    woken = true
    if (!running) void deliver()
  }
}

/** The outbox's emails over SMTP, through one pooled transport. */
function emailDelivery(smtpUrl: string) {
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxMessages: 1000 })
  type Email = { id: string; subject: string; body: string; attachment: Attachment | null }
  return deliveryWorker<Email>(CLAIM_EMAILS, EMAILS_DONE, (row) =>
    transport.sendMail({
      from: 'shop@floor.test',
      to: 'support@floor.test',
      subject: row.subject,
      text: row.body,
      attachments: row.attachment
        ? [
            {
              filename: row.attachment.filename,
              contentType: row.attachment.contentType,
              path: blobPath(row.attachment.key),
            },
          ]
        : [],
    }),
  )
}

/** The one endpoint registered with the floor, as Parley keeps its endpoints: a URL and a signing secret. */
let webhookEndpoint: { url: string; key: Buffer } | null = null

/**
 * Each queued webhook POSTed to the endpoint, signed as Standard Webhooks has it (HMAC-SHA256 of
 * `id.timestamp.body`), waiting at most 15 s for an answer, which must be a 2xx.
 */
const webhookDelivery = deliveryWorker<{ id: string; payload: object }>(
  CLAIM_WEBHOOKS,
  WEBHOOKS_DONE,
  async (row) => {
    if (!webhookEndpoint) throw new Error('no endpoint')
    const body = JSON.stringify(row.payload)
    const webhookId = `msg_floor_${row.id}`
    const timestamp = Math.floor(Date.now() / 1000)
    const mac = createHmac('sha256', webhookEndpoint.key)
      .update(`${webhookId}.${timestamp}.${body}`)
      .digest('base64')
    const answer = await fetch(webhookEndpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': `v1,${mac}`,
      },
      body,
      signal: AbortSignal.timeout(15_000),
    })
    await answer.arrayBuffer()
    if (!answer.ok) throw new Error(`the endpoint answered ${answer.status}`)
  },
)

const query = await connect()
await query(FLOOR_OUTBOX, [])
await query(FLOOR_WEBHOOKS, [])
const wakeEmailDelivery = emailDelivery(process.env.FLOOR_SMTP_URL ?? 'smtp://127.0.0.1:25')
const app = Fastify({ logger: false })
await app.register(multipart, { limits: { fileSize: 12 * 1024 * 1024 } })

app.get<{ Params: Id }>('/inbox/customer/:id', async (request, reply) => {
  const { rows } = await query(STOREFRONT_INBOX, [request.params.id, 20])
  const [{ total, results }] = rows as [{ total: number; results: unknown }]
  return reply.header('x-total-count', total).send(results)
})
app.get<{ Params: Id }>('/inbox/seller/:id', async (request) => {
  const { rows } = await query(VENDOR_INBOX, [request.params.id, 20])
  return rows[0]
})
app.get<{ Params: Id }>('/conversations/:id/messages', async (request) => {
  const { rows } = await query(STOREFRONT_CONVERSATION, [request.params.id, 100])
  return (rows[0] as { conversation: unknown }).conversation
})
app.post<{ Params: Id; Body: MessageBody }>('/conversations/:id/messages', async (request, reply) => {
  const { side, sender_user_id, sender_seller_id, text } = request.body
  const statement = webhookEndpoint ? POST_MESSAGE_WITH_WEBHOOK : POST_MESSAGE
  const { rows } = await query(statement, [request.params.id, side, sender_user_id, sender_seller_id, text])
  if (webhookEndpoint) webhookDelivery()
  return reply.status(201).send(rows[0])
})
// Registers the endpoint every message is delivered to from then on, or (no url) removes it. What was queued
// for the one it replaces goes with it, as a Parley endpoint's deliveries do: left, a stalled receiver's
// backlog would be sent to the next receiver, or failed through at once, during the next rows.
app.put<{ Body: { url?: string } }>('/webhook-endpoint', async (request, reply) => {
  const { url } = request.body
  webhookEndpoint = url ? { url, key: randomBytes(24) } : null
  await query(DROP_WEBHOOKS, [])
  return reply.status(204).send()
})
// The storefront's reply answers with the conversation as retrieve renders it: the message is written, then
// the same page of messages is read and sent.
app.post<{ Params: Id; Body: MessageBody }>('/conversations/:id/replies', async (request, reply) => {
  const { side, sender_user_id, sender_seller_id, text } = request.body
  await query(POST_MESSAGE, [request.params.id, side, sender_user_id, sender_seller_id, text])
  const { rows } = await query(STOREFRONT_CONVERSATION, [request.params.id, 100])
  return reply.status(201).send((rows[0] as { conversation: unknown }).conversation)
})
app.post<{ Params: Id; Body: { party_type: string } }>('/conversations/:id/read', async (request) => {
  const { rows } = await query(READ, [request.params.id, request.body.party_type])
  return rows[0]
})
app.post<{ Body: ContactBody }>('/contacts', async (request, reply) => {
  const { body, attachment } = request.isMultipart()
    ? await readForm(request)
    : { body: request.body, attachment: null }
  const { rows } = await query(POST_CONTACT, [
    body.company_id,
    body.subject,
    body.message,
    body.first_name,
    body.last_name,
    body.email,
    body.phone,
    attachment,
  ])
  wakeEmailDelivery()
  return reply.status(201).send(rows[0])
})
app.get('/outbox/pending', async () => (await query(PENDING, [])).rows[0])
app.get<{ Querystring: { company_id: string; viewed: string; search: string } }>(
  '/contacts',
  async (request) => {
    const { company_id, viewed, search } = request.query
    const { rows } = await query(CONTACTS, [company_id, viewed === 'true', `%${search}%`, 20])
    return rows[0]
  },
)
app.get<{ Querystring: Record<string, string> }>('/staff/conversations', async (request) => {
  const { company_id, ...view } = request.query
  const key = new URLSearchParams(view).toString()
  const where = STAFF_WHERE[key]
  if (where === undefined) throw new Error(`no staff view ${key}`)
  const order = key.includes('ordering=unread') ? UNREAD_FIRST : BY_ACTIVITY
  const { rows } = await query(staffList(where, order), [company_id])
  return rows[0]
})
app.get<{ Querystring: { company_id: string; terms: string; rare?: string } }>(
  '/staff/conversations/search',
  async (request) => {
    const { company_id, terms, rare } = request.query
    // The rare term first ($2), where the statement looks it up by index.
    const split = terms.split(' ')
    const ordered = rare === undefined ? split : [rare, ...split.filter((term) => term !== rare)]
    const { rows } = await query(staffSearch(ordered.length, rare !== undefined), [
      company_id,
      ...ordered.map(likePattern),
    ])
    return rows[0]
  },
)
app.get('/healthz', async () => ({ status: 'ok' }))

await app.listen({ port: Number(process.env.FLOOR_PORT ?? 0), host: '127.0.0.1' })
const stop = async () => {
  await app.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
