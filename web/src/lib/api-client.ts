import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from '../api/schema.gen.ts'

/** The `csrftoken` cookie the staff API sets (GET /api/auth/me/), echoed on every write. */
export function csrfToken() {
  const cookie = document.cookie.split('; ').find((entry) => entry.startsWith('csrftoken='))
  return cookie ? decodeURIComponent(cookie.slice('csrftoken='.length)) : ''
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** An answer other than 2xx, with the staff API's DRF body (`{"detail"}` or `{"field": ["msg"]}`). */
export class ApiError extends Error {
  readonly status: number
  readonly body: Record<string, unknown>
  constructor(status: number, body: unknown) {
    const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {}
    super(typeof fields.detail === 'string' ? fields.detail : `HTTP ${status}`)
    this.status = status
    this.body = fields
  }
  /** The messages for one field (`non_field_errors`, `value`, …), if the API named any. */
  messagesFor(field: string): string[] {
    const value = this.body[field]
    return Array.isArray(value) ? value.map(String) : []
  }
  /** Every message, for a form that shows them together. */
  get messages(): string[] {
    if (typeof this.body.detail === 'string') return [this.body.detail]
    return Object.entries(this.body).flatMap(([field, value]) =>
      (Array.isArray(value) ? value : [value]).map((message) =>
        field === 'non_field_errors' ? String(message) : `${field}: ${String(message)}`,
      ),
    )
  }
}

/** Signals the app shell that the session has ended (a 401/403 on an authenticated call). */
export const sessionEnded = new EventTarget()

const csrf: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method)) request.headers.set('X-CSRFToken', csrfToken())
    return request
  },
}

/** The staff API, typed from Parley's own /openapi.json (scripts/generate-api-types.ts). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' })
api.use(csrf)

/** The data of an openapi-fetch answer, or an ApiError to throw into TanStack Query. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T
  if (result.response.status === 401) sessionEnded.dispatchEvent(new Event('ended'))
  throw new ApiError(result.response.status, result.error)
}

/**
 * A call to a route the generated types do not know yet (the contract in INBOX-API.md, while the API
 * that serves it lands). Same cookies, CSRF and errors as `api`.
 */
export async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (!SAFE.has(method)) headers['X-CSRFToken'] = csrfToken()
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  const parsed = text ? (JSON.parse(text) as unknown) : undefined
  if (!response.ok) {
    if (response.status === 401) sessionEnded.dispatchEvent(new Event('ended'))
    throw new ApiError(response.status, parsed)
  }
  return parsed as T
}

/** `?a=1&b=2` from the filters that are set. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  const text = search.toString()
  return text ? `?${text}` : ''
}
