import type { Db } from '../../db/client.ts'
import { eventsRepository } from './events-repository.ts'
import { inboxOf } from './party.ts'

/**
 * Staff event types beside the conversations' own (`message.created`, `message.read`, `conversation.updated`,
 * which the staff stream reads from the parties' events).
 */
export type StaffEventType =
  | 'contact.created'
  | 'contact.updated'
  | 'contact.replied'
  | 'note.created'
  | 'conversation.updated'

/**
 * Records an event for the company's staff only, in the caller's transaction; returns the keys to announce
 * once it commits (see announceEvents).
 */
export const recordStaffEvent = (
  db: Db,
  companyId: number,
  type: StaffEventType,
  payload: Record<string, unknown>,
) => eventsRepository.record(db, companyId, [inboxOf(companyId)], type, payload)
