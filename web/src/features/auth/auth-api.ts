import type { paths } from '../../api/schema.gen.ts'
import { api, unwrap } from '../../lib/api-client.ts'

export type StaffUser = paths['/api/auth/me/']['get']['responses'][200]['content']['application/json']
export type StaffMember =
  paths['/api/staff-members/']['get']['responses'][200]['content']['application/json'][number]

export const fetchMe = async () => unwrap(await api.GET('/api/auth/me/'))

/** Login needs the CSRF cookie, which `/api/auth/me/` sets: asked first when this tab has none yet. */
export async function signIn(email: string, password: string) {
  if (!document.cookie.includes('csrftoken=')) await api.GET('/api/auth/me/')
  return unwrap(await api.POST('/api/auth/login/', { body: { email, password } }))
}

export const signOut = async () => unwrap(await api.POST('/api/auth/logout/'))

export const fetchStaffMembers = async () => unwrap(await api.GET('/api/staff-members/'))
