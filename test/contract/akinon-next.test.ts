// Replays the storefront calls of the real client framework, `@akinon/next` 1.24.0 (`npm pack
// @akinon/next@1.24.0`), exactly as its source builds them: the same URLs, headers, bodies and regular
// expressions, with Node's fetch (undici), which its server-side code runs on too. The lines read are
// pinned below, beside the step that replays them.
//
// data/urls.ts
//   const API_URL = Settings.commerceUrl;
//   sendContact: '/users/contact-us',
//   getContactSubjects: '/users/contact-us-subjects/',
//   currentUser: '/current_user/',
//   login: '/users/login/',
//   logout: '/users/logout',
//   csrfToken: '/csrf_token/',
//   return `${API_URL}${target[prop]}`;
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { contactsFrom } from '../helpers/contact-us.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'

let parley: TestApp
let commerceUrl: string

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
  commerceUrl = parley.baseUrl
})
after(() => parley.close())

// middlewares/default.ts
//   const url = `${Settings.commerceUrl}${user.csrfToken}`;
//   if (!req.cookies.get('csrftoken')) {
//     const { csrf_token } = await (
//       await fetch(url)
//     ).json();
//     middlewareResult.cookies.set(
//       'csrftoken',
//       csrf_token
//     );
//   }
async function middlewareCsrfToken() {
  const url = `${commerceUrl}/csrf_token/`
  const { csrf_token } = (await (await fetch(url)).json()) as { csrf_token: string }
  return csrf_token as string
}

// api/auth.ts (the `default` credentials provider; next-auth v4 hands `authorize` the whole posted body,
// so the page's own fields ride along with the form's)
//   headers.set('Content-Type', 'application/json');
//   headers.set('cookie', `${req.headers.cookie}`);
//   headers.set('Accept-Language', `${language}`);
//   headers.set('x-currency', req.cookies['pz-currency'] ?? '');
//   const apiRequest = await fetch(
//     `${Settings.commerceUrl}${user[credentials.formType]}`,
//     { method: 'POST', headers, body: JSON.stringify(credentials) }
//   );
//   const response = (await apiRequest.json()) as { key: string; non_field_errors: string[]; redirect_url: string; };
//   const setCookieHeader = apiRequest.headers.get('set-cookie');
//   if (setCookieHeader) {
//     sessionId =
//       setCookieHeader
//         .match(/osessionid=\w+/)?.[0]
//         .replace(/osessionid=/, '') || '';
//   }
//   if (!response.key) { ... fieldErrors = Object.keys(response ?? {}).filter((key) => key !== 'non_field_errors') ... }
async function login(
  browserCookie: string,
  email: string,
  password: string,
  extra: Record<string, string> = {},
) {
  const credentials = {
    email,
    password,
    formType: 'login',
    locale: 'en',
    captchaValidated: 'false',
    csrfToken: 'next-auth-csrf-token',
    callbackUrl: 'http://storefront.example/en/login',
    json: 'true',
  }
  const user = { login: '/users/login/' } as Record<string, string>
  const headers: Headers = new Headers(extra)
  headers.set('Content-Type', 'application/json')
  headers.set('cookie', `${browserCookie}`)
  headers.set('Accept-Language', 'en-us')
  headers.set('x-currency', '')
  const apiRequest = await fetch(`${commerceUrl}${user[credentials.formType]}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(credentials),
  })
  const response = (await apiRequest.json()) as Record<string, unknown>
  let sessionId = ''
  const setCookieHeader = apiRequest.headers.get('set-cookie')
  if (setCookieHeader) {
    sessionId = setCookieHeader.match(/osessionid=\w+/)?.[0].replace(/osessionid=/, '') || ''
  }
  return { status: apiRequest.status, response, sessionId, setCookieHeader }
}

// api/auth.ts
//   async function getCurrentUser(sessionId: string, currency = '') {
//     const headers = {
//       'Content-Type': 'application/json',
//       Cookie: `osessionid=${sessionId}`,
//       'x-currency': currency
//     };
//     const currentUser = await (
//       await fetch(URLS.user.currentUser, {
//         headers
//       })
//     ).json();
//     return { pk: currentUser.pk, firstName: currentUser.first_name, lastName: currentUser.last_name,
//       email: currentUser.email, phone: currentUser.phone, emailAllowed: currentUser.email_allowed,
//       smsAllowed: currentUser.sms_allowed, dateJoined: currentUser.date_joined, lastLogin: currentUser.last_login,
//       dateOfBirth: currentUser.date_of_birth, hashedEmail: currentUser.hashed_email, gender: currentUser.gender, token: '' };
async function getCurrentUser(sessionId: string, currency = '') {
  const headers = {
    'Content-Type': 'application/json',
    Cookie: `osessionid=${sessionId}`,
    'x-currency': currency,
  }
  const answer = await fetch(`${commerceUrl}/current_user/`, { headers })
  return { status: answer.status, body: (await answer.json()) as Record<string, string | number | null> }
}

// api/client.ts (the browser's calls reach Parley through the storefront's proxy route)
//   const options: ClientRequestOptions = { useTrailingSlash: true, useFormData: false, contentType: null,
//     accept: 'application/json', responseType: 'json' };
//   const slug = `${params.slug.join('/')}/`;
//   [ 'x-forwarded-host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-port', 'x-requested-with',
//     'origin', 'host', 'referer', 'accept', 'content-length', 'content-type' ].forEach((header) => delete extraHeaders[header]);
//   const fetchOptions = { method: req.method, headers: { ...extraHeaders, 'X-Requested-With': 'XMLHttpRequest',
//     Referer: commerceUrl, Accept: options.accept } } as RequestInit;
//   if (options.contentType) { fetchOptions.headers['Content-Type'] = options.contentType; }
//   fetchOptions.body = !options.useFormData ? JSON.stringify(body) : formData;
//   let url = `${commerceUrl}/${slug.replace(/,/g, '/')}`;
//   if (!options.useTrailingSlash) { url = url.replace(/\/$/, ''); }
// data/client/api.ts (what the browser itself sets on every call)
//   headers.set('Accept-Language', `${localeApiValue}`);
//   headers.set('x-currency', `${activeCurrency}`);
//   if (csrfCookie) { headers.set('x-csrftoken', `${csrfCookie}`); }
// data/client/account.ts
//   getContactSubjects: builder.query<ContactFormSubject, void>({ query: () => buildClientRequestUrl(account.getContactSubjects) }),
//   sendContact: builder.mutation<void, ContactFormType>({ query: (body) => ({
//     url: buildClientRequestUrl(account.sendContact, { contentType: 'application/json', responseType: 'text' }),
//     method: 'POST', body }) }),
function throughProxy(
  method: string,
  path: string,
  browser: { cookie: string; csrftoken: string; locale: string },
  options: { body?: unknown; contentType?: string; useTrailingSlash?: boolean } = {},
) {
  const slug = `${path.replace(/^\/|\/$/g, '')}/`
  let url = `${commerceUrl}/${slug.replace(/,/g, '/')}`
  if (options.useTrailingSlash === false) url = url.replace(/\/$/, '')
  const headers: Record<string, string> = {
    cookie: browser.cookie,
    'accept-language': browser.locale,
    'x-currency': 'usd',
    'x-csrftoken': browser.csrftoken,
    'X-Requested-With': 'XMLHttpRequest',
    Referer: commerceUrl,
    Accept: 'application/json',
  }
  if (options.contentType) headers['Content-Type'] = options.contentType
  return fetch(url, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(options.body) })
}

// api/logout.ts
//   const regexText1 = /name=['|"]csrfmiddlewaretoken['|"] value=['|"]\w+/gi;
//   const regexText2 = /name=['|"]csrfmiddlewaretoken['|"] value=['|"]/gi;
//   if (req.headers.get('osessionid')) { sessionCookie = `osessionid=${req.headers.get('osessionid')}`; }
//   const requestLogoutStep1 = await fetch(URLS.user.logout, { method: 'POST', headers: { Cookie: `${sessionCookie}` } });
//   const responseHtml = await requestLogoutStep1.text();
//   const csrfTokenMatch = responseHtml.match(regexText1);
//   const csrfToken = csrfTokenMatch?.[0].replace(regexText2, '') || '';
//   const formData = new URLSearchParams();
//   formData.append('csrfmiddlewaretoken', csrfToken);
//   const requestLogoutStep2 = await fetch(URLS.user.logout, { method: 'POST',
//     headers: { Cookie: `csrftoken=${csrfToken}; ${sessionCookie}` }, body: formData });
//   return NextResponse.json(requestLogoutStep2, { status: requestLogoutStep2.status });
async function logout(osessionid: string) {
  const regexText1 = /name=['|"]csrfmiddlewaretoken['|"] value=['|"]\w+/gi
  const regexText2 = /name=['|"]csrfmiddlewaretoken['|"] value=['|"]/gi
  const sessionCookie = `osessionid=${osessionid}`
  const requestLogoutStep1 = await fetch(`${commerceUrl}/users/logout`, {
    method: 'POST',
    headers: { Cookie: `${sessionCookie}` },
  })
  const responseHtml = await requestLogoutStep1.text()
  const csrfTokenMatch = responseHtml.match(regexText1)
  const csrfToken = csrfTokenMatch?.[0].replace(regexText2, '') || ''
  const afterStep1 = await getCurrentUser(osessionid)
  const formData = new URLSearchParams()
  formData.append('csrfmiddlewaretoken', csrfToken)
  const requestLogoutStep2 = await fetch(`${commerceUrl}/users/logout`, {
    method: 'POST',
    headers: { Cookie: `csrftoken=${csrfToken}; ${sessionCookie}` },
    body: formData,
  })
  return { step1: requestLogoutStep1.status, csrfToken, afterStep1, step2: requestLogoutStep2.status }
}

/** The browser's cookies once the middleware has set `csrftoken` and the shop its locale and currency. */
async function freshBrowser() {
  const csrftoken = await middlewareCsrfToken()
  return { csrftoken, cookie: `pz-locale=en; pz-currency=usd; csrftoken=${csrftoken}` }
}

test('the middleware’s CSRF token is alphanumeric, as Django’s are', async () => {
  for (let fetched = 0; fetched < 20; fetched++) {
    assert.match(await middlewareCsrfToken(), /^[a-zA-Z0-9]{32,}$/)
  }
  // A browser asking itself gets the same token as its cookie, so what it echoes matches.
  const answer = await fetch(`${commerceUrl}/csrf_token/`)
  const { csrf_token } = (await answer.json()) as { csrf_token: string }
  assert.ok(answer.headers.getSetCookie().some((cookie) => cookie.startsWith(`csrftoken=${csrf_token};`)))
  const held = await fetch(`${commerceUrl}/csrf_token/`, { headers: { cookie: `csrftoken=${csrf_token}` } })
  assert.deepEqual(await held.json(), { csrf_token }, 'a client that holds a token keeps it')
})

test('a login answers a key and a session the client’s \\w+ reads whole, and current_user shows its user', async () => {
  const alice = parley.demo.users.alice
  for (let attempt = 0; attempt < 20; attempt++) {
    const browser = await freshBrowser()
    const { status, response, sessionId, setCookieHeader } = await login(
      browser.cookie,
      alice.email,
      alice.password,
    )
    assert.equal(status, 200)
    assert.ok(response.key, 'without a key the client counts the login as failed')
    assert.match(sessionId, /^[a-z0-9]{32}$/, 'a session id as Django makes them')
    assert.ok(
      setCookieHeader?.includes(`osessionid=${sessionId};`),
      'the regular expression read the whole id',
    )
    assert.equal((response as { email?: string }).email, alice.email, 'existing callers still get the user')
    assert.notEqual(response.key, sessionId, 'the key does not hand the HttpOnly session to page scripts')

    const current = await getCurrentUser(sessionId, 'usd')
    assert.equal(current.status, 200)
    assert.equal(current.body.pk, alice.id)
    assert.equal(current.body.email, alice.email)
    for (const field of [
      'first_name',
      'last_name',
      'phone',
      'email_allowed',
      'sms_allowed',
      'date_joined',
      'last_login',
      'date_of_birth',
      'hashed_email',
      'gender',
    ]) {
      assert.ok(field in current.body, `current_user has ${field}`)
    }
    assert.match(String(current.body.hashed_email), /^[0-9a-f]{64}$/)
    assert.ok(Date.parse(String(current.body.last_login)) >= Date.parse(String(current.body.date_joined)))
  }
})

test('a wrong password answers no key, and the fields the client shows as errors', async () => {
  const browser = await freshBrowser()
  const { status, response, sessionId } = await login(
    browser.cookie,
    parley.demo.users.alice.email,
    'wrong-password',
  )
  assert.equal(status, 400)
  assert.equal(response.key, undefined)
  assert.equal(sessionId, '')
  assert.deepEqual(response.non_field_errors, ['Unable to log in with provided credentials.'])
})

test('a login from a foreign Origin or from Origin null (a sandboxed frame) opens no session', async () => {
  const { email, password } = parley.demo.users.alice
  for (const origin of ['https://evil.example', 'null']) {
    const browser = await freshBrowser()
    const { status, response, sessionId } = await login(browser.cookie, email, password, { origin })
    assert.equal(status, 403, origin)
    assert.equal(response.key, undefined)
    assert.equal(sessionId, '')
  }
})

test('current_user without a session is refused, not someone’s user', async () => {
  const current = await getCurrentUser('')
  assert.equal(current.status, 403)
  assert.equal(current.body.pk, undefined)
})

test('the browser’s subjects and contact-us through the proxy: localized, and accepted with or without the slash', async () => {
  const browser = await freshBrowser()
  const alice = parley.demo.users.alice
  const { sessionId } = await login(browser.cookie, alice.email, alice.password)
  const signedIn = {
    csrftoken: browser.csrftoken,
    cookie: `${browser.cookie}; osessionid=${sessionId}; sessionid=${sessionId}`,
  }

  const turkish = await throughProxy('GET', '/users/contact-us-subjects/', { ...signedIn, locale: 'tr-tr' })
  assert.equal(turkish.status, 200)
  const texts = ((await turkish.json()) as { text: string }[]).map((subject) => subject.text)
  assert.ok(texts.includes('Genel soru'), `tr-tr gets the Turkish texts: ${texts}`)
  const english = await throughProxy('GET', '/users/contact-us-subjects/', { ...signedIn, locale: 'en-us' })
  assert.ok(
    ((await english.json()) as { text: string }[]).some((subject) => subject.text === 'General question'),
  )

  for (const useTrailingSlash of [true, false]) {
    const email = `proxy-${crypto.randomUUID()}@example.com`
    // ContactFormType: every value as the form holds it, a string.
    const body = {
      full_name: 'Alice Archer',
      email,
      phone: '5551234567',
      subject: String(parley.demo.subjects.general.id),
      message: 'Where is my parcel?',
      order_needed: false,
    }
    const sent = await throughProxy(
      'POST',
      '/users/contact-us',
      { ...signedIn, locale: 'en-us' },
      {
        body,
        contentType: 'application/json',
        useTrailingSlash,
      },
    )
    assert.ok(/^20./.test(String(sent.status)), `contact-us answered ${sent.status}: ${await sent.text()}`)
    const [stored] = await contactsFrom(parley, email)
    assert.equal(stored?.userId, alice.id, 'the form is the signed-in user’s')
  }
})

test('logout in two steps: the first answers the token in a form and keeps the session, the second ends it', async () => {
  const browser = await freshBrowser()
  const { sessionId } = await login(
    browser.cookie,
    parley.demo.users.alice.email,
    parley.demo.users.alice.password,
  )
  const { csrfToken, afterStep1, step2 } = await logout(sessionId)
  assert.match(csrfToken, /^[a-zA-Z0-9]{32,}$/, 'the first answer carries the token where the client looks')
  assert.equal(afterStep1.status, 200, 'a POST without its token does not end the session')
  assert.equal(step2, 200)
  assert.equal((await getCurrentUser(sessionId)).status, 403, 'the second POST ended the session')
})
