/** Who is acting: the authenticated user, as every surface hands it to the domain. */
export type Principal = {
  userId: number
  companyId: number
  email: string
  isStaff: boolean
  isSuperuser: boolean
}

/**
 * Who is calling, as a surface's authentication found it: nobody, or a user (staff and admins are users with
 * those rights; an API key stands for its user). A seller is not a caller: a user acts for the sellers it is
 * a member of, decided per conversation (see policy/parties.ts).
 */
export type Caller = { kind: 'anonymous' } | { kind: 'user'; user: Principal }

export const anonymous: Caller = Object.freeze({ kind: 'anonymous' })

export const userCaller = (user: Principal): Caller => ({ kind: 'user', user })

/** The calling user, or null for an anonymous caller. */
export const userOf = (caller: Caller): Principal | null => (caller.kind === 'user' ? caller.user : null)

/** The tenant a request belongs to, for callers that may be anonymous (the storefront's contact form). */
export type Actor = { companyId: number; principal: Principal | null }
