/** Who is acting: the authenticated user, as every surface hands it to the domain. */
export type Principal = {
  userId: number
  companyId: number
  email: string
  isStaff: boolean
  isSuperuser: boolean
}

/** The tenant a request belongs to, for callers that may be anonymous (the storefront's contact form). */
export type Actor = { companyId: number; principal: Principal | null }
