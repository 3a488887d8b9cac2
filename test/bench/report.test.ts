import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { DriveResult } from '../../bench/drive.ts'
import { accountEmails, emailsMatchForms } from '../../bench/emails.ts'
import { failedRows, judge, type Row } from '../../bench/report.ts'

/** A contact-us row whose Parley run ended as `result` says. */
const row = (result: Partial<DriveResult>): Row => ({
  scenario: 'contact-us',
  kind: 'write',
  connections: 10,
  size: 'small',
  parley: {
    requests: 500,
    rps: 100,
    p50: 5,
    p99: 20,
    errors: 0,
    non2xx: 0,
    statusCodes: { 200: 500 },
    warmupAnswered: 0,
    ...result,
  },
  loadAverage: 0.5,
})

test('a run whose every request got a 2xx answer passes', () => {
  assert.deepEqual(failedRows([row({})]), [])
})

test('a floor that answered errors fails the run, as a failing floor would pass for a fast one', () => {
  const floorFailing: Row = {
    ...row({}),
    floor: { ...row({}).parley, non2xx: 5, statusCodes: { 200: 495, 500: 5 } },
  }
  assert.deepEqual(failedRows([floorFailing]), [
    'contact-us @10 small, the floor: 5 non-2xx, 0 request errors of 500',
  ])
  assert.deepEqual(failedRows([{ ...row({}), floor: row({}).parley }]), [])
})

test('a run with a non-2xx answer or a request error fails, and says how many of how many', () => {
  assert.deepEqual(failedRows([row({ non2xx: 3, statusCodes: { 200: 497, 429: 3 } }), row({ errors: 1 })]), [
    'contact-us @10 small: 3 non-2xx, 0 request errors of 500',
    'contact-us @10 small: 0 non-2xx, 1 request errors of 500',
  ])
})

test('a run that got no answer at all fails rather than passing with nothing wrong in it', () => {
  assert.deepEqual(failedRows([row({ requests: 0, rps: 0, p50: 0, p99: 0, statusCodes: {} })]), [
    'contact-us @10 small: no request answered within the run',
  ])
})

/** A full run's report around `rows`, every figure within its target unless a test says otherwise. */
const report = (rows: Row[], overrides: Partial<Parameters<typeof judge>[0]> = {}) => ({
  rows,
  parleyPeakRssMb: 200,
  mode: 'full' as const,
  seconds: 20 * 60,
  engine: 'postgres' as const,
  ...overrides,
})
const missed = (targets: ReturnType<typeof judge>) =>
  targets.filter((target) => !target.met).map((target) => target.target)

test('a contact-us row whose emails match its forms one for one meets the email target', () => {
  const account = accountEmails(3, ['<old@x>', '<a@x>', '<b@x>', '<c@x>'], 1)
  const targets = judge(report([{ ...row({}), emails: account }]))
  assert.deepEqual(missed(targets), [])
  assert.ok(targets.some((target) => target.target === 'contact-us @10 small: emails = accepted forms'))
})

test('an email sent twice misses the email target and the report names it, even when the totals agree', () => {
  // Two forms, two emails, but one of them twice and the other form's never: the counts alone would pass.
  const account = accountEmails(2, ['<a@x>', '<a@x>'], 0)
  const [target] = judge(report([{ ...row({}), emails: account }])).filter((t) => !t.met)
  assert.equal(target?.target, 'contact-us @10 small: emails = accepted forms')
  assert.equal(
    target?.detail,
    '1 emails (distinct Message-IDs) for 2 accepted forms, and 1 duplicates (<a@x>)',
  )
})

test('an email resent in a later run counts as a duplicate there, not as one of its forms', () => {
  assert.deepEqual(accountEmails(1, ['<a@x>', '<b@x>', '<a@x>'], 1), {
    forms: 1,
    emails: 1,
    duplicates: 1,
    duplicateIds: ['<a@x>'],
  })
})

test('distinct Message-IDs count each once whatever repeats them, and the rest are duplicates', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30 }).map((id) => `<${id}@bench>`)),
      fc.nat(),
      (received, at) => {
        const first = received.length === 0 ? 0 : at % (received.length + 1)
        const before = new Set(received.slice(0, first))
        const fresh = new Set(received.slice(first).filter((id) => !before.has(id)))
        const account = accountEmails(fresh.size, received, first)
        assert.equal(account.emails, fresh.size)
        assert.equal(account.emails + account.duplicates, received.length - first)
        assert.equal(emailsMatchForms(account), account.duplicates === 0)
      },
    ),
  )
})

test('a write row is held to 0.7× its floor and a read row to 0.8×', () => {
  const reply = { ...row({}), scenario: 'storefront reply', ratio: 0.69 }
  const retrieve = { ...row({}), scenario: 'conversation retrieve', kind: 'read' as const, ratio: 0.79 }
  const inbox = { ...row({}), scenario: 'storefront inbox', kind: 'read' as const, ratio: 0.8 }
  assert.deepEqual(missed(judge(report([reply, retrieve, inbox]))), [
    'storefront reply @10 small: ≥ 0.7× floor',
    'conversation retrieve @10 small: ≥ 0.8× floor',
  ])
})

test('peak RSS is held to 250 MB, and a full run, not a quick one, to 25 minutes', () => {
  assert.deepEqual(missed(judge(report([row({})], { parleyPeakRssMb: 251, seconds: 25 * 60 }))), [
    'Parley peak RSS ≤ 250 MB',
    'full run under 25 minutes',
  ])
  assert.deepEqual(missed(judge(report([row({})], { mode: 'quick', seconds: 60 * 60 }))), [])
})

test('the embedded default holds writes to 0.6× its floor, reads to 0.7× and its peak to 400 MB', () => {
  const rows = [
    { ...row({}), scenario: 'storefront reply', ratio: 0.59 },
    { ...row({}), scenario: 'vendor message', ratio: 0.6 },
    { ...row({}), scenario: 'conversation retrieve', kind: 'read' as const, ratio: 0.69 },
    { ...row({}), scenario: 'storefront inbox', kind: 'read' as const, ratio: 0.7 },
  ]
  assert.deepEqual(missed(judge(report(rows, { engine: 'pglite', parleyPeakRssMb: 401 }))), [
    'storefront reply @10 small: ≥ 0.6× floor',
    'conversation retrieve @10 small: ≥ 0.7× floor',
    'Parley peak RSS ≤ 400 MB',
  ])
  assert.equal(missed(judge(report(rows, { engine: 'pglite', parleyPeakRssMb: 400 }))).length, 2)
})

test('embedded, a row at 50 connections is held to a p99 of 250 ms, and only there', () => {
  fc.assert(
    fc.property(fc.constantFrom(10, 50), fc.integer({ min: 1, max: 5000 }), (connections, p99) => {
      const measured = { ...row({ p99 }), connections, floor: row({ p99: 7 }).parley }
      const latency = judge(report([measured], { engine: 'pglite' })).filter((t) => t.target.endsWith(' ms'))
      if (connections === 10) return assert.deepEqual(latency, [])
      assert.deepEqual(latency, [
        {
          target: 'contact-us @50 small: p99 ≤ 250 ms',
          met: p99 <= 250,
          detail: `${p99} ms (the floor's: 7 ms)`,
        },
      ])
    }),
  )
})

test("embedded, a search's p99 is held to 100 ms on the large set at any connections, and PostgreSQL's to neither bound", () => {
  const search = (size: 'small' | 'large', connections: number, p99: number): Row => ({
    ...row({ p99 }),
    scenario: 'staff contacts',
    kind: 'read',
    search: true,
    size,
    connections,
  })
  const rows = [search('small', 50, 400), search('large', 10, 101), search('large', 50, 100)]
  assert.deepEqual(missed(judge(report(rows, { engine: 'pglite' }))), [
    'staff contacts @10 large: p99 ≤ 100 ms',
  ])
  assert.equal(judge(report(rows, { engine: 'pglite' })).filter((t) => t.target.endsWith('100 ms')).length, 2)
  const onPostgres = judge(report([...rows, { ...row({ p99: 900 }), connections: 50 }]))
  assert.deepEqual(
    onPostgres.filter((target) => target.target.endsWith(' ms')),
    [],
  )
})
