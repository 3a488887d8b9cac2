type UserFields = {
  id: number
  email: string
  firstName: string
  lastName: string
  isStaff: boolean
  isSuperuser: boolean
}

/** A staff user named on another object: an assignee, an author. */
export const presentUserRef = (user: Pick<UserFields, 'id' | 'email' | 'firstName' | 'lastName'>) => ({
  id: user.id,
  email: user.email,
  first_name: user.firstName,
  last_name: user.lastName,
})

export const presentSignedInUser = (user: UserFields) => ({
  ...presentUserRef(user),
  is_staff: user.isStaff,
  is_superuser: user.isSuperuser,
})

export const presentStaffMember = (user: UserFields) => ({
  ...presentUserRef(user),
  is_superuser: user.isSuperuser,
})
