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
