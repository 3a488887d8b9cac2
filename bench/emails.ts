/**
 * Whether every contact-us form Parley stored during a run was mailed exactly once: forms are counted where
 * they are stored, so the warm-up's and those cut off when the driver stopped count too, and emails by their
 * Message-ID at the sink, so a resent email shows as a duplicate instead of passing for another form's.
 */
import type { SmtpSink } from './smtp-sink.ts'

export type EmailAccount = {
  /** Contact-us forms Parley stored during the run. */
  forms: number
  /** Distinct Message-IDs the sink accepted during the run and never before. */
  emails: number
  /** How many emails of the run came with a Message-ID the sink had already accepted. */
  duplicates: number
  /** The first of those Message-IDs, to look up. */
  duplicateIds: string[]
}

const LISTED_DUPLICATES = 5

/** The account of a run that began when the sink had accepted `first` emails (`received`: the sink's log). */
export function accountEmails(forms: number, received: readonly string[], first: number): EmailAccount {
  const seen = new Set(received.slice(0, first))
  const duplicateIds: string[] = []
  let duplicates = 0
  for (const id of received.slice(first)) {
    if (seen.has(id)) {
      duplicates += 1
      if (duplicateIds.length < LISTED_DUPLICATES && !duplicateIds.includes(id)) duplicateIds.push(id)
    }
    seen.add(id)
  }
  return { forms, emails: received.length - first - duplicates, duplicates, duplicateIds }
}

export const emailsMatchForms = (account: EmailAccount) =>
  account.emails === account.forms && account.duplicates === 0

export function describeEmails(account: EmailAccount) {
  const duplicates =
    account.duplicates === 0
      ? ''
      : `, and ${account.duplicates} duplicates (${account.duplicateIds.join(', ')}` +
        `${account.duplicates > account.duplicateIds.length ? ', …' : ''})`
  return `${account.emails} emails (distinct Message-IDs) for ${account.forms} accepted forms${duplicates}`
}

/**
 * How many contacts the company has had created since `since`, as its staff's API counts them. The API stops
 * counting at a bound (and says so) unless asked for a page at or past the last one, whose count is exact: a
 * capped count is made exact by finding the last page of one contact each, doubling then halving.
 */
async function storedContacts(parleyUrl: string, staffKey: string, since: Date) {
  const pageAt = async (page: number) => {
    const response = await fetch(
      `${parleyUrl}/api/contacts/?page_size=1&page=${page}&created_at__gte=${since.toISOString()}`,
      { headers: { authorization: `Token ${staffKey}` } },
    )
    if (response.status === 404) return undefined
    if (response.status !== 200) throw new Error(`counting the contacts answered ${response.status}`)
    return (await response.json()) as { count: number; count_capped: boolean }
  }
  const first = await pageAt(1)
  if (!first?.count_capped) return first?.count ?? 0
  // Pages up to `low` exist; `high`, once found, is past the last.
  let low = first.count
  let high: number | undefined
  while (high === undefined) {
    const page = await pageAt(low * 2)
    if (page && !page.count_capped) return page.count
    if (page) low *= 2
    else high = low * 2
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    const page = await pageAt(middle)
    if (page && !page.count_capped) return page.count
    if (page) low = middle
    else high = middle
  }
  return low
}

/**
 * The company's contacts created since `since`, once Parley has stored every form it had taken in: a run's clients leave with
 * requests still in Parley's hands (reading an upload, writing its file) that the database has not seen yet,
 * so the count must hold still for a second, within `timeoutMs`.
 */
export async function settledContacts(parleyUrl: string, staffKey: string, since: Date, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  let count = await storedContacts(parleyUrl, staffKey, since)
  let stillSince = Date.now()
  while (Date.now() - stillSince < 1000 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const now = await storedContacts(parleyUrl, staffKey, since)
    if (now !== count) {
      count = now
      stillSince = Date.now()
    }
  }
  return count
}

/**
 * Waits, bounded, until the sink has accepted `expected` emails since `first`, then until a second passes
 * with none more, so that an email sent twice or one too many is there to count.
 */
export async function awaitEmails(sink: SmtpSink, first: number, expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100))
  while (sink.received.length - first < expected && Date.now() < deadline) await pause()
  let last = sink.received.length
  let quietSince = Date.now()
  while (Date.now() - quietSince < 1000 && Date.now() < deadline) {
    await pause()
    if (sink.received.length !== last) {
      last = sink.received.length
      quietSince = Date.now()
    }
  }
}
