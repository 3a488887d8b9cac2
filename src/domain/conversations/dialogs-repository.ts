import { and, eq, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { prepared } from '../../db/prepared.ts'
import { messages, products } from '../../db/schema/index.ts'
import type { Party } from '../events/party.ts'
import { type DialogPageRow, dialogsPage, toDialogFacts } from './dialog-pages.ts'
import type { DialogFacts } from './dialog-views.ts'
import { nothingWanted, show, wantConversation } from './shown-cache.ts'

/**
 * Where a dialog page resumes: the last row's inbox position. The time is kept as PostgreSQL's own text, to
 * the microsecond, because a JavaScript Date would round it and skip or repeat rows.
 */
export type DialogCursor = { at: string; conversationId: number }

/** The party a user is in a dialog, and what posting needs to know of the dialog. */
export type DialogParty = { party: Party; type: string }

const userId = sql`${sql.placeholder('userId')}::bigint`

/**
 * The party type the user is in conversation `c`: its customer, else a member of its seller; null for
 * anyone else. The user is the `userId` placeholder.
 */
export const dialogPartyType = sql`case when c.customer_id = ${userId} then 'customer'
  when exists (select 1 from seller_members sm where sm.seller_id = c.seller_id and sm.user_id = ${userId})
  then 'seller' end`

export const dialogsRepository = {
  async findProduct(db: Db, companyId: number, productId: number) {
    const [row] = await db
      .select({ id: products.id, sellerId: products.sellerId, isPublished: products.isPublished })
      .from(products)
      .where(and(eq(products.companyId, companyId), eq(products.id, productId)))
    return row
  },

  /**
   * The party the user is in a visible dialog: its customer, else a member of its seller. Undefined for
   * anyone else, and for a conversation without a seller.
   */
  async findParty(db: Db, companyId: number, id: number, userId: number): Promise<DialogParty | undefined> {
    const query = prepared(db, 'dialog_party', (db) =>
      db
        .select({
          partyType: sql<'customer' | 'seller' | null>`${dialogPartyType}`,
          customerId: sql<number>`c.customer_id`,
          sellerId: sql<number>`c.seller_id`,
          type: sql<string>`c.type`,
        })
        .from(sql`conversations c`)
        .where(
          sql`c.id = ${sql.placeholder('id')}::bigint and c.company_id = ${sql.placeholder('companyId')}::bigint
            and not c.deleted and c.seller_id is not null`,
        )
        .prepare('dialog_party'),
    )
    const [row] = await query.execute({ companyId, id, userId })
    if (!row?.partyType) return undefined
    const party: Party =
      row.partyType === 'customer'
        ? { partyType: 'customer', partyId: Number(row.customerId) }
        : { partyType: 'seller', partyId: Number(row.sellerId) }
    return { party, type: row.type }
  },

  /**
   * A page of the user's dialogs, newest activity first, where the next one starts, and the user's unread
   * messages over all its dialogs: one statement (see dialog-pages.ts), prepared because planning its joins
   * took longer than running them (about 6 ms against 2 on the bench's large set).
   */
  async page(
    db: Db,
    companyId: number,
    userId: number,
    page: { limit: number; after?: DialogCursor },
  ): Promise<{ dialogs: DialogFacts[]; next: DialogCursor | null; totalUnread: number }> {
    const query = prepared(db, 'dialogs_page', (db) =>
      db
        .select({
          totalUnread: sql<number>`${dialogsPage.totalUnread}`,
          dialogs: sql<DialogPageRow[]>`${dialogsPage.rows}`,
        })
        .from(sql`(select 1) as one`)
        .prepare('dialogs_page'),
    )
    const { after } = page
    const [result] = await query.execute({
      companyId,
      userId,
      // Without a cursor the page starts before any time there is.
      afterAt: after?.at ?? 'infinity',
      afterId: after?.conversationId ?? 0,
      rows: page.limit + 1,
    })
    const rows = result?.dialogs ?? []
    const onPage = rows.slice(0, page.limit)
    const wanted = nothingWanted()
    for (const row of onPage) wantConversation(wanted, row)
    const shown = await show(db, wanted)
    const last = onPage.at(-1)
    return {
      dialogs: onPage.map((row) => toDialogFacts(row, shown)),
      next: rows.length > page.limit && last ? { at: last.at, conversationId: last.id } : null,
      totalUnread: Number(result?.totalUnread ?? 0),
    }
  },

  /** A message of the conversation, by id: its image (null when it has none); undefined when there is none. */
  async findMessage(db: Db, conversationId: number, messageId: number) {
    const [row] = await db
      .select({ id: messages.id, image: messages.image })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.id, messageId)))
    return row
  },
}
