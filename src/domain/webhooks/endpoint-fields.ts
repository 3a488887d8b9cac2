import { isIP } from 'node:net'
import { isLoopback, refusedAddress } from '../../infra/webhooks/address-policy.ts'
import { FieldErrors, type FieldProblems, type Problem } from '../errors.ts'
import { ALL_EVENTS, WEBHOOK_EVENT_TYPES } from './event-types.ts'

/** An endpoint's fields as an admin sends them; those a surface already found invalid are left out. */
export type EndpointInput = { url?: string; events?: string[]; description?: string; enabled?: boolean }

const MAX_URL_LENGTH = 2000
const MAX_DESCRIPTION_LENGTH = 500
const LOOPBACK_NAMES = new Set(['localhost'])

/**
 * Why a URL cannot be an endpoint's, or undefined. HTTPS is required, except for a loopback host while
 * WEBHOOK_ALLOW_LOOPBACK is on; an address written in the URL is held to the delivery's rules here already
 * (a host name is checked when each delivery resolves it).
 */
export function urlProblem(value: string, allowLoopback: boolean): Problem | undefined {
  if (value.length > MAX_URL_LENGTH) return { code: 'max_length', max: MAX_URL_LENGTH }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return { code: 'invalid_url' }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { code: 'invalid_url' }
  if (url.username !== '' || url.password !== '') return { code: 'url_with_credentials' }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const loopbackHost = LOOPBACK_NAMES.has(host) || (isIP(host) !== 0 && isLoopback(host))
  if (isIP(host) !== 0) {
    const refused = refusedAddress(host, allowLoopback)
    if (refused) return { code: 'address_refused', ...refused }
  }
  if (url.protocol === 'http:' && !(allowLoopback && loopbackHost)) return { code: 'https_required' }
  return undefined
}

/** Checks the fields given (all of them when `complete`), reporting every problem at once. */
export function checkEndpointInput(
  input: EndpointInput,
  priorErrors: FieldProblems,
  options: { complete: boolean; allowLoopback: boolean },
) {
  const errors = new FieldErrors(priorErrors)
  if (input.url === undefined) {
    if (options.complete && !errors.has('url')) errors.add('url', { code: 'required' })
  } else if (input.url.trim() === '') errors.add('url', { code: 'blank' })
  else {
    const problem = urlProblem(input.url, options.allowLoopback)
    if (problem) errors.add('url', problem)
  }
  if (input.events === undefined) {
    if (options.complete && !errors.has('events')) errors.add('events', { code: 'required' })
  } else if (input.events.length === 0) errors.add('events', { code: 'empty_list' })
  else {
    const known = new Set<string>([ALL_EVENTS, ...WEBHOOK_EVENT_TYPES])
    for (const type of input.events)
      if (!known.has(type)) errors.add('events', { code: 'invalid_choice', value: type })
  }
  if (input.description !== undefined && input.description.length > MAX_DESCRIPTION_LENGTH) {
    errors.add('description', { code: 'max_length', max: MAX_DESCRIPTION_LENGTH })
  }
  errors.throwIfAny()
}
