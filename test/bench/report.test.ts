import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { DriveResult } from '../../bench/drive.ts'
import { failedRows, type Row } from '../../bench/report.ts'

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
    ...result,
  },
  loadAverage: 0.5,
})

test('a run whose every request got a 2xx answer passes', () => {
  assert.deepEqual(failedRows([row({})]), [])
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
