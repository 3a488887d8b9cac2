import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { guestBrowser, validForm } from '../../helpers/contact-us.ts'
import { HttpClient, withToken } from '../../helpers/http-client.ts'
import { startTestApp, type TestApp } from '../../helpers/test-app.ts'

type LogLine = Record<string, unknown> & { msg: string; reqId?: string }

const lines: LogLine[] = []
let parley: TestApp

before(async () => {
  parley = await startTestApp({
    logger: { level: 'info', stream: { write: (line: string) => lines.push(JSON.parse(line)) } },
  })
})
after(() => parley.close())

/** The lines the requests of `run` wrote, by request id. */
async function linesOf(run: () => Promise<unknown>) {
  const from = lines.length
  await run()
  const byRequest = new Map<string, LogLine[]>()
  for (const line of lines.slice(from)) {
    if (line.reqId === undefined) continue
    byRequest.set(line.reqId, [...(byRequest.get(line.reqId) ?? []), line])
  }
  return { all: lines.slice(from), byRequest }
}

test('each request writes one completion line with its route pattern, status, duration and user', async () => {
  const alice = parley.demo.users.alice
  const browser = new HttpClient(parley.baseUrl)
  const secretText = `a message nobody may log ${crypto.randomUUID()}`
  const { all, byRequest } = await linesOf(async () => {
    await browser.login(alice.email, alice.password)
    await browser.get('/users/conversations/?page=1&search=private')
    await (await guestBrowser(parley)).post('/users/contact-us/', {
      json: validForm(parley, { message: secretText }),
    })
    await withToken(parley.baseUrl, parley.demo.users.admin.token).get('/api/contacts/')
    await browser.get('/users/no-such-thing/')
  })

  assert.equal(
    byRequest.size,
    7,
    'seven requests were made (the two browsers each fetched the CSRF cookie first)',
  )
  for (const requestLines of byRequest.values()) {
    assert.deepEqual(
      requestLines.map((line) => line.msg),
      ['request completed'],
      'one line per request, not Fastify’s two',
    )
  }
  const completed = [...byRequest.values()].map(([line]) => line as LogLine)
  for (const line of completed) {
    assert.equal(line.level, 30, 'at info')
    assert.equal(typeof line.durationMs, 'number')
  }
  const find = (route: string | null, method = 'GET') =>
    completed.find((line) => line.route === route && line.method === method)
  const list = find('/users/conversations/')
  assert.equal(list?.status, 200)
  assert.equal(list?.userId, alice.id)
  assert.equal(list?.companyId, parley.demo.company.id)
  const contact = find('/users/contact-us/', 'POST')
  assert.equal(contact?.status, 200)
  assert.equal(contact?.userId, undefined, 'an anonymous form has no user')
  assert.equal(find('/api/contacts/')?.userId, parley.demo.users.admin.id)
  assert.equal(find(null)?.status, 404)

  const written = JSON.stringify(all)
  const session = browser.cookies.get('sessionid') ?? ''
  assert.ok(session.length > 0)
  for (const secret of [alice.password, session, parley.demo.users.admin.token, secretText, 'private']) {
    assert.equal(
      written.includes(secret),
      false,
      `the log holds no ${secret === secretText ? 'message' : 'secret'}`,
    )
  }
})
