export type Body =
  | { json: unknown }
  | { form: Record<string, string> }
  | { multipart: Record<string, string | { filename: string; content: Buffer | string; type?: string }> }
  | { raw: string | Buffer; contentType: string }

export type RequestOptions = {
  body?: Body
  headers?: Record<string, string>
  /** Sends the CSRF header from the cookie jar (default true for unsafe methods). */
  csrf?: boolean
}

export type Response = { status: number; headers: Headers; body: any; text: string }

/** A browser-like client: keeps cookies, echoes the CSRF cookie in the CSRF header, speaks every body type. */
export class HttpClient {
  readonly cookies = new Map<string, string>()
  readonly baseUrl: string
  csrfCookie = 'csrftoken'
  csrfHeader = 'X-CSRFToken'

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl
  }

  /** The client's cookies as a Cookie header, for requests made without it (a stream, a raw fetch). */
  cookieHeader() {
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers = new Headers(options.headers)
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader().cookie)
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(method)
    const token = this.cookies.get(this.csrfCookie)
    if (unsafe && (options.csrf ?? true) && token && !headers.has(this.csrfHeader))
      headers.set(this.csrfHeader, token)
    let body: string | Buffer | FormData | undefined
    const given = options.body
    if (given && 'json' in given) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(given.json)
    } else if (given && 'form' in given) {
      headers.set('content-type', 'application/x-www-form-urlencoded')
      body = new URLSearchParams(given.form).toString()
    } else if (given && 'multipart' in given) {
      const form = new FormData()
      for (const [name, value] of Object.entries(given.multipart)) {
        if (typeof value === 'string') form.append(name, value)
        else {
          const content = typeof value.content === 'string' ? value.content : new Uint8Array(value.content)
          form.append(
            name,
            new Blob([content], { type: value.type ?? 'application/octet-stream' }),
            value.filename,
          )
        }
      }
      body = form
    } else if (given && 'raw' in given) {
      headers.set('content-type', given.contentType)
      body = given.raw
    }
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const index = pair.indexOf('=')
      const name = pair.slice(0, index).trim()
      const value = pair.slice(index + 1).trim()
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const text = await response.text()
    let parsed: unknown = text
    if (response.headers.get('content-type')?.includes('json') && text !== '') parsed = JSON.parse(text)
    return { status: response.status, headers: response.headers, body: parsed, text }
  }

  get = (path: string, options?: RequestOptions) => this.request('GET', path, options)
  post = (path: string, body?: Body, options?: RequestOptions) =>
    this.request('POST', path, { ...options, body })
  put = (path: string, body?: Body, options?: RequestOptions) =>
    this.request('PUT', path, { ...options, body })
  patch = (path: string, body?: Body, options?: RequestOptions) =>
    this.request('PATCH', path, { ...options, body })
  delete = (path: string, options?: RequestOptions) => this.request('DELETE', path, options)

  /** Logs in on the storefront, after a first request hands out the CSRF cookie. */
  async login(email: string, password: string): Promise<Response> {
    if (!this.cookies.has(this.csrfCookie)) await this.get('/users/contact-us-subjects/')
    return this.post('/users/login/', { json: { email, password } })
  }
}

/** A client for the token-authenticated surfaces. */
export const withToken = (baseUrl: string, token: string, scheme = 'Token') => {
  const client = new HttpClient(baseUrl)
  const authorization = `${scheme} ${token}`
  const request = client.request.bind(client)
  client.request = (method, path, options = {}) =>
    request(method, path, { ...options, headers: { authorization, ...options.headers } })
  return client
}
