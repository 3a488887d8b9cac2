import { createHash } from 'node:crypto'
import type { User } from '../../domain/accounts/users-repository.ts'

export const genderLabels: Record<string, string> = { male: 'Male', female: 'Female', none: 'None' }

export const presentEnum = (value: string | null, labels: Record<string, string>) =>
  value === null ? null : { value, label: labels[value] ?? value }

export const presentUser = (user: User) => ({
  id: user.id,
  email: user.email,
  first_name: user.firstName,
  last_name: user.lastName,
  phone: user.phone,
  gender: presentEnum(user.gender, genderLabels),
  is_staff: user.isStaff,
})

/**
 * The signed-in user as `GET /current_user/` shows them. Parley keeps no marketing permissions or birth
 * date: they read as not given.
 */
export const presentCurrentUser = ({ user, lastLogin }: { user: User; lastLogin: Date | null }) => ({
  pk: user.id,
  email: user.email,
  first_name: user.firstName,
  last_name: user.lastName,
  phone: user.phone,
  email_allowed: false,
  sms_allowed: false,
  date_joined: user.createdAt.toISOString(),
  last_login: lastLogin?.toISOString() ?? null,
  date_of_birth: null,
  hashed_email: createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex'),
  gender: user.gender,
})
