import type { paths } from '../../api/schema.gen.ts'
import { api, unwrap } from '../../lib/api-client.ts'

export type Setting = paths['/api/settings/']['get']['responses'][200]['content']['application/json'][number]
export type Subject =
  paths['/api/contact-subjects/{id}/']['get']['responses'][200]['content']['application/json']
export type SubjectInput = {
  texts: Record<string, string>
  default_language: string
  is_order_needed: boolean
  position: number
}

export const listSettings = async () => unwrap(await api.GET('/api/settings/'))

export const updateSetting = async (key: string, value: unknown) =>
  unwrap(await api.PUT('/api/settings/{key}/', { params: { path: { key } }, body: { value } }))

export const listAllSubjects = async () =>
  unwrap(await api.GET('/api/contact-subjects/', { params: { query: { page_size: '100' } } })).results

export const createSubject = async (body: SubjectInput) =>
  unwrap(await api.POST('/api/contact-subjects/', { body }))

export const updateSubject = async (id: number, body: Partial<SubjectInput>) =>
  unwrap(await api.PATCH('/api/contact-subjects/{id}/', { params: { path: { id: String(id) } }, body }))

export const deleteSubject = async (id: number) =>
  unwrap(await api.DELETE('/api/contact-subjects/{id}/', { params: { path: { id: String(id) } } }))
