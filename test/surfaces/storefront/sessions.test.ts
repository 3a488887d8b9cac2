import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { contactsFrom, validForm } from '../../helpers/contact-us.ts'
import { HttpClient } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

let parley: TestApp

before(async () => {
  parley = await startTestApp({ env: { CONTACT_US_RATE_PER_MINUTE: '1000' } })
})
after(() => parley.close())

const cookieLine = (headers: Headers, name: string) =>
  headers.getSetCookie().find((line) => line.startsWith(`${name}=`))

test('login answers the user and sets sessionid and osessionid, HttpOnly and SameSite=Lax', async () => {
  const alice = parley.demo.users.alice
  const client = new HttpClient(parley.baseUrl)
  const response = await client.login(alice.email, alice.password)
  assert.equal(response.status, 200)
  assert.equal(response.body.id, alice.id)
  assert.equal(response.body.email, alice.email)
  assert.equal('password' in response.body || 'password_hash' in response.body, false)
  const session = cookieLine(response.headers, 'sessionid')
  const alternate = cookieLine(response.headers, 'osessionid')
  for (const line of [session, alternate]) {
    assert.ok(line)
    assert.match(line, /HttpOnly/)
    assert.match(line, /SameSite=Lax/)
  }
  assert.equal(client.cookies.get('sessionid'), client.cookies.get('osessionid'))
})

test('login rotates the CSRF token', async () => {
  const bob = parley.demo.users.bob
  const client = new HttpClient(parley.baseUrl)
  await client.get('/users/contact-us-subjects/')
  const before = client.cookies.get('csrftoken')
  await client.login(bob.email, bob.password)
  assert.ok(client.cookies.get('csrftoken'))
  assert.notEqual(client.cookies.get('csrftoken'), before)
  const after = await client.post('/users/contact-us/', { json: validForm(parley) })
  assert.equal(after.status, 200, 'the new token works')
})

test('wrong credentials are a non-field error and open no session', async () => {
  const client = new HttpClient(parley.baseUrl)
  for (const [email, password] of [
    [parley.demo.users.alice.email, 'wrong'],
    ['nobody@parley.test', 'whatever'],
  ]) {
    const response = await client.login(email ?? '', password ?? '')
    assert.equal(response.status, 400)
    assert.deepEqual(response.body, { non_field_errors: ['Unable to log in with provided credentials.'] })
  }
  assert.equal(client.cookies.has('sessionid'), false)
})

test('a session makes the submitter the contact’s user; logout ends it', async () => {
  const alice = parley.demo.users.alice
  const client = new HttpClient(parley.baseUrl)
  await client.login(alice.email, alice.password)
  const session = client.cookies.get('sessionid')
  const form = validForm(parley)
  await client.post('/users/contact-us/', { json: form })
  assert.equal((await contactsFrom(parley, form.email))[0]?.userId, alice.id)

  const logout = await client.post('/users/logout/')
  assert.equal(logout.status, 200)
  assert.equal(client.cookies.has('sessionid'), false)
  assert.equal(client.cookies.has('osessionid'), false)

  // The old cookie, replayed, is no longer a session: the submission is a guest's.
  const replay = new HttpClient(parley.baseUrl)
  await replay.get('/users/contact-us-subjects/')
  replay.cookies.set('sessionid', session ?? '')
  const later = validForm(parley)
  await replay.post('/users/contact-us/', { json: later })
  assert.equal((await contactsFrom(parley, later.email))[0]?.userId, null)
})

test('logout needs the CSRF token like any other write', async () => {
  const client = new HttpClient(parley.baseUrl)
  await client.login(parley.demo.users.alice.email, parley.demo.users.alice.password)
  const response = await client.post('/users/logout/', undefined, { csrf: false })
  assert.equal(response.status, 403)
})
