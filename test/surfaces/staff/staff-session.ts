import { HttpClient } from '../../helpers/http-client.ts'
import type { TestApp } from '../../helpers/test-app.ts'

/** A browser signed in to the inbox as a demo staff or admin user (cookies and CSRF token held). */
export async function signedInStaff(parley: TestApp, who: 'staff' | 'admin' = 'staff') {
  const browser = new HttpClient(parley.baseUrl)
  await browser.get('/api/auth/me/')
  const { email, password } = parley.demo.users[who]
  const response = await browser.post('/api/auth/login/', { json: { email, password } })
  if (response.status !== 200)
    throw new Error(`could not sign in as ${who}: ${response.status} ${response.text}`)
  return browser
}
