import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../../db/client.ts'
import { prepared } from '../../../db/prepared.ts'
import { conversations } from '../../../db/schema/index.ts'
import { partiesOfUserSql } from '../../policy/parties-sql.ts'
import type { ConversationView, MessageView, Page } from '../types.ts'
import {
  pageBounds,
  personalAccess,
  toViews,
  toViewWithMessages,
  viewPageQuery,
  viewWithMessagesQuery,
} from './views-repository.ts'

const companyId = sql.placeholder('companyId')
const userId = sql.placeholder('userId')

/** The party rows a user's personal inbox is made of: its own as a customer, and each of its sellers'. */
const partiesOfUser = partiesOfUserSql(sql`${userId}::bigint`)

/** Conversation `c` is one the inbox shows: the company's, not deleted. */
const isVisible = sql`c.company_id = ${companyId}::bigint and not c.deleted`

/**
 * The page's conversation ids: each party's newest `end` rows, merged, then the page cut from them, so a
 * page costs the same however many conversations the user has. `= any(array(…))` makes the ids one value
 * computed first, then fetched by primary key; an `in (subquery)` was planned as a hash join over the view.
 * The per-party order is spelled as the index's (NULLS LAST; the column is never null), or each party's rows
 * would all be sorted instead of walked; and each row's conversation is checked by a scalar subquery, which
 * cannot become a join that reads every row of a party (see dialogs-repository.ts).
 */
const inboxPageIds = sql`${conversations.id} = any(array(
  select p.conversation_id from ${partiesOfUser} cross join lateral (
    select cp.conversation_id, cp.last_message_at from conversation_parties cp
    where cp.party_type = parties.party_type and cp.party_id = parties.party_id
      and (select ${isVisible} from conversations c where c.id = cp.conversation_id)
    order by cp.last_message_at desc nulls last, cp.conversation_id desc nulls last
    limit ${sql.placeholder('end')}::bigint
  ) p
  order by p.last_message_at desc, p.conversation_id desc
  limit ${sql.placeholder('limit')}::bigint offset ${sql.placeholder('offset')}::bigint))`

/** The inbox's size: a count over the same per-party index ranges. */
const inboxTotal = sql<number>`(select count(*)::int from ${partiesOfUser} join conversation_parties cp
  on cp.party_type = parties.party_type and cp.party_id = parties.party_id
  join conversations c on c.id = cp.conversation_id and ${isVisible})`

/** A conversation the user takes part in, by the placeholder `id`. */
const personalConversation = and(
  eq(conversations.companyId, companyId),
  eq(conversations.deleted, false),
  eq(conversations.id, sql.placeholder('id')),
  personalAccess(userId),
)

export const personalViewsRepository = {
  /** One conversation as a party sees it, with its read states; undefined when the user takes no part in it. */
  async find(db: Db, company: number, id: number, user: number) {
    const query = prepared(db, 'personal_view', (db) =>
      viewPageQuery(db, personalConversation, { readStates: true }).prepare('personal_view'),
    )
    const [row] = await query.execute({ companyId: company, id, userId: user })
    return row && (await toViews(db, row.page))[0]
  },

  /** One conversation as a party sees it with a page of its messages, in one statement (see messagesPage). */
  async findWithMessages(
    db: Db,
    company: number,
    id: number,
    user: number,
    page: { limit: number; beforeId?: number; afterId?: number },
  ): Promise<{ view: ConversationView; messages: MessageView[] } | undefined> {
    const { direction, values } = pageBounds(page)
    const name = `personal_view_messages_${direction}`
    const query = prepared(db, name, (db) =>
      viewWithMessagesQuery(db, personalConversation, direction).prepare(name),
    )
    return toViewWithMessages(
      db,
      (await query.execute({ companyId: company, id, userId: user, ...values }))[0],
    )
  },

  /**
   * A page of the user's personal inbox, newest activity first, and how many party rows the inbox holds: one
   * statement, the count riding on the page's rows; a page past the end has none, so only then is it apart.
   */
  async inbox(
    db: Db,
    company: number,
    user: number,
    page: Page,
  ): Promise<{ views: ConversationView[]; total: number }> {
    const query = prepared(db, 'personal_inbox', (db) =>
      viewPageQuery(db, inboxPageIds, { readStates: false, extra: { total: inboxTotal } }).prepare(
        'personal_inbox',
      ),
    )
    const { limit, offset } = page
    const [row] = await query.execute({
      companyId: company,
      userId: user,
      limit,
      offset,
      end: offset + limit,
    })
    const views = row ? await toViews(db, row.page) : []
    const total =
      views.length > 0 || offset === 0
        ? Number(row?.total ?? 0)
        : await personalViewsRepository.count(db, company, user)
    return { views, total }
  },

  /** How many party rows the inbox holds. */
  async count(db: Db, company: number, user: number): Promise<number> {
    const query = prepared(db, 'personal_inbox_count', (db) =>
      db.select({ total: inboxTotal }).from(sql`(select 1) as one`).prepare('personal_inbox_count'),
    )
    const [row] = await query.execute({ companyId: company, userId: user })
    return Number(row?.total ?? 0)
  },
}
