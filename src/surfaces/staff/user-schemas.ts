import { Type } from 'typebox'

const userFields = {
  id: Type.Integer({ description: 'The user’s id.' }),
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
}

/** A staff user as other staff objects name them (an assignee, a reply’s or a note’s author). */
export const StaffUserRef = Type.Object(userFields, { description: 'A staff or admin user of the company.' })

/** The signed-in user, as `/api/auth/me/` and a login answer. */
export const SignedInUser = Type.Object({
  ...userFields,
  is_staff: Type.Boolean(),
  is_superuser: Type.Boolean({ description: 'An admin: may also change the settings.' }),
})

export const StaffMember = Type.Object({
  ...userFields,
  is_superuser: Type.Boolean({ description: 'An admin.' }),
})

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, description: 'The staff user’s email.' }),
  password: Type.String({ minLength: 1 }),
})
