import { type SQLWrapper, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import { contactReplies } from '../../db/schema/index.ts'
import type { StaffUser } from '../accounts/staff-members-repository.ts'

/** A staff answer to a contact, with its author and how its email is doing. */
export type ContactReply = {
  id: number
  body: string
  author: StaffUser | null
  createdAt: Date
  email: {
    id: number
    status: string
    attempts: number
    lastError: string | null
    sentAt: Date | null
  } | null
}

type ReplyJson = Omit<ContactReply, 'createdAt' | 'email'> & {
  createdAt: string
  email: (Omit<NonNullable<ContactReply['email']>, 'sentAt'> & { sentAt: string | null }) | null
}

/** A user as a JSON object of the fields staff objects show of their authors and assignees. */
export const staffUserJson = (userId: string) =>
  `(select json_build_object('id', u.id, 'email', u.email, 'firstName', u.first_name, 'lastName', u.last_name)
    from users u where u.id = ${userId})`

export const contactRepliesRepository = {
  async insert(
    db: Db,
    reply: { companyId: number; contactId: number; authorId: number; body: string; outboxId: number },
  ): Promise<number> {
    const [row] = await db.insert(contactReplies).values(reply).returning({ id: contactReplies.id })
    if (!row) throw new Error('insert returned no row')
    return row.id
  },

  /**
   * The replies of the contact whose id is `contactId` (a qualified column of the enclosing query), oldest
   * first, as one JSON array, so a page of contacts reads them in its own statement.
   */
  repliesJson: (contactId: SQLWrapper) =>
    sql<ReplyJson[]>`(select coalesce(json_agg(json_build_object('id', r.id, 'body', r.body,
        'author', ${sql.raw(staffUserJson('r.author_id'))}, 'createdAt', r.created_at,
        'email', (select json_build_object('id', o.id, 'status', o.status, 'attempts', o.attempts,
          'lastError', o.last_error, 'sentAt', o.sent_at) from outbox o where o.id = r.outbox_id))
        order by r.id), '[]')
      from contact_replies r where r.contact_id = ${contactId})`,

  repliesFromJson: (replies: ReplyJson[]): ContactReply[] =>
    replies.map((reply) => ({
      ...reply,
      createdAt: new Date(reply.createdAt),
      email: reply.email && {
        ...reply.email,
        sentAt: reply.email.sentAt === null ? null : new Date(reply.email.sentAt),
      },
    })),
}
