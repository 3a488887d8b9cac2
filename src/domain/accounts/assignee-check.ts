import type { Db } from '../../db/client.ts'
import type { FieldErrors } from '../errors.ts'
import { staffMembersRepository } from './staff-members-repository.ts'

/**
 * Adds an error on `assignee` unless it is left out, null (nobody), or an active staff or admin user of the
 * company: contacts and conversations are assigned alike.
 */
export async function checkAssignee(
  db: Db,
  companyId: number,
  assignee: number | null | undefined,
  errors: FieldErrors,
) {
  if (typeof assignee !== 'number' || errors.has('assignee')) return
  if (!(await staffMembersRepository.isAssignable(db, companyId, assignee))) {
    errors.add('assignee', { code: 'does_not_exist', pk: assignee })
  }
}
