import { sql } from 'drizzle-orm'
import type { Db } from '../../db/client.ts'
import type { Party } from '../events/party.ts'
import { contactData, conversationData, readData, replyData } from './event-data.ts'
import { queueWebhook } from './webhook-queue.ts'

/*
 * The webhooks of changes made by a statement of their own: each reads the changed row in the caller's
 * transaction, after the change, and returns how many deliveries it queued (see announceEvents).
 */

export const queueContactWebhook = (
  tx: Db,
  companyId: number,
  contactId: number,
  type: 'contact.created' | 'contact.viewed',
) =>
  queueWebhook(tx, {
    companyId: sql`${companyId}::bigint`,
    type,
    data: contactData('c'),
    orderingKey: sql`'contact:' || c.id`,
    from: sql`contacts c`,
    where: sql`c.id = ${contactId} and c.company_id = ${companyId}`,
  })

export const queueReplyWebhook = (tx: Db, companyId: number, contactId: number, replyId: number) =>
  queueWebhook(tx, {
    companyId: sql`${companyId}::bigint`,
    type: 'contact.replied',
    data: sql`${contactData('c')} || ${replyData('r')}`,
    orderingKey: sql`'contact:' || c.id`,
    from: sql`contacts c join contact_replies r on r.contact_id = c.id`,
    where: sql`c.id = ${contactId} and c.company_id = ${companyId} and r.id = ${replyId}`,
  })

export const queueConversationWebhook = (
  tx: Db,
  companyId: number,
  conversationId: number,
  type: 'conversation.created' | 'conversation.archived' | 'conversation.deleted',
) =>
  queueWebhook(tx, {
    companyId: sql`${companyId}::bigint`,
    type,
    data: conversationData('c'),
    orderingKey: sql`'conversation:' || c.id`,
    from: sql`conversations c`,
    where: sql`c.id = ${conversationId} and c.company_id = ${companyId}`,
  })

/** `message.read` of the party whose read mark moved. */
export const queueReadWebhook = (tx: Db, companyId: number, conversationId: number, party: Party) =>
  queueWebhook(tx, {
    companyId: sql`${companyId}::bigint`,
    type: 'message.read',
    data: readData('cp', 'c'),
    orderingKey: sql`'conversation:' || c.id`,
    from: sql`conversations c join conversation_parties cp on cp.conversation_id = c.id`,
    where: sql`c.id = ${conversationId} and c.company_id = ${companyId} and cp.party_type = ${party.partyType}`,
  })
