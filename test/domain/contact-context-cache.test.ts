import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { eq, inArray, sql } from 'drizzle-orm'
import { contactSubjects, contacts, outbox } from '../../src/db/schema/index.ts'
import {
  CONTACT_CONTEXT_CHANNEL,
  contextCacheOf,
  createContextCache,
  type HeldContext,
} from '../../src/domain/contacts/submission-context-cache.ts'
import { DomainError } from '../../src/domain/errors.ts'
import type { Principal } from '../../src/domain/principal.ts'
import { startTestApp, type TestApp } from '../helpers/test-app.ts'
import { principals } from './conversations-helpers.ts'

let parley: TestApp
before(async () => {
  parley = await startTestApp({ runWorkers: false })
})
after(() => parley.close())

const held = (text: string): HeldContext => ({
  subject: { id: 1, texts: { en: text }, defaultLanguage: 'en', isOrderNeeded: false },
  settingOverrides: [],
})

test('the cache keeps only while enabled, never a read that raced a change, and drops all on any change', () => {
  let clock = 0
  const cache = createContextCache({ ttlMs: 1_000, now: () => clock })
  cache.keep(1, 1, held('Before listening'), cache.readStarts())
  assert.equal(cache.get(1, 1), undefined, 'nothing is kept before the instance listens')

  cache.enable()
  cache.keep(1, 1, held('General'), cache.readStarts())
  cache.keep(2, 1, held('Other company'), cache.readStarts())
  assert.equal(cache.get(1, 1)?.subject.texts.en, 'General')
  assert.equal(cache.get(2, 1)?.subject.texts.en, 'Other company')

  const raced = cache.readStarts()
  cache.forget()
  assert.equal(cache.get(2, 1), undefined, 'a change drops every company and subject')
  cache.keep(1, 1, held('Read before the change'), raced)
  assert.equal(cache.get(1, 1), undefined)

  cache.keep(1, 1, held('General'), cache.readStarts())
  clock = 1_000
  assert.equal(cache.get(1, 1), undefined, 'an entry is trusted for ttlMs at most')

  cache.keep(1, 1, held('General'), cache.readStarts())
  cache.disable()
  cache.keep(1, 2, held('After the listener dropped'), cache.readStarts())
  assert.equal(cache.get(1, 1), undefined)
  assert.equal(cache.get(1, 2), undefined)
})

const guest = () => ({ companyId: parley.demo.company.id, principal: null })

/** Submits a valid form as a guest; returns its stored contact. */
async function submit(fields: { operation?: string } = {}) {
  const email = `ada-${crypto.randomUUID()}@example.com`
  await parley.app.domain.contacts.submit(guest(), {
    subject: parley.demo.subjects.general.id,
    fullName: 'Ada Guest',
    email,
    message: 'Hello',
    ...fields,
  })
  const [contact] = await parley.db.select().from(contacts).where(eq(contacts.email, email))
  assert.ok(contact)
  return contact
}

const setGeneralText = (text: string) =>
  parley.db
    .update(contactSubjects)
    .set({ texts: { en: text } })
    .where(eq(contactSubjects.id, parley.demo.subjects.general.id))

/** Submits until the stored subject is `expected`, for at most 30 seconds; returns the last one. */
async function eventuallySubject(expected: string) {
  const giveUpAt = Date.now() + 30_000
  let subject = (await submit()).subject
  while (subject !== expected && Date.now() < giveUpAt) {
    await delay(20)
    subject = (await submit()).subject
  }
  return subject
}

/**
 * Waits until the app listens and has heard every change notified so far (the demo's seeding, committed after
 * the app started listening, say). The changes are notified by triggers, in their transactions, so they
 * arrive in the order they were committed: once the test's own notification has dropped the cache, every
 * earlier one has been heard.
 */
async function heardEveryChange() {
  const cache = contextCacheOf(parley.db)
  const giveUpAt = Date.now() + 30_000
  // The cache keeps once the instance listens on its channel, which may be a moment after it started.
  for (;;) {
    cache.keep(0, 0, held('Sentinel'), cache.readStarts())
    if (cache.get(0, 0)) break
    assert.ok(Date.now() < giveUpAt, 'the instance never listened on its channel')
    await delay(10)
  }
  await parley.db.execute(sql`select pg_notify(${CONTACT_CONTEXT_CHANNEL}, '*')`)
  while (cache.get(0, 0)) {
    assert.ok(Date.now() < giveUpAt, "the instance never heard the test's notification")
    await delay(10)
  }
}

test('a subject is held between forms, and a change made straight in the database is used once notified', async () => {
  await heardEveryChange()
  let before = (await submit()).subject
  // Held once a read of it is kept: a notification still on its way when the read started would refuse it.
  const giveUpAt = Date.now() + 30_000
  while (!contextCacheOf(parley.db).get(parley.demo.company.id, parley.demo.subjects.general.id)) {
    assert.ok(Date.now() < giveUpAt, 'the subject was never held')
    before = (await submit()).subject
  }
  assert.equal(before, 'General question')
  // A change that bypasses the trigger is not heard of: forms keep the subject the instance holds.
  await parley.db.execute(sql`alter table contact_subjects disable trigger contact_subjects_changed_context`)
  try {
    await setGeneralText('General questions')
  } finally {
    await parley.db.execute(sql`alter table contact_subjects enable trigger contact_subjects_changed_context`)
  }
  assert.equal((await submit()).subject, before)

  await setGeneralText('Anything else')
  assert.equal(await eventuallySubject('Anything else'), 'Anything else')
  await setGeneralText(before)
  assert.equal(await eventuallySubject(before), before)
})

test('the instance that changes a subject or a setting checks its very next form against the change', async () => {
  const { staff } = principals(parley)
  const admin: Principal = { ...staff, isSuperuser: true }
  const subjectId = parley.demo.subjects.general.id
  const before = (await submit()).subject

  await parley.app.domain.subjects.update(staff, subjectId, { texts: { en: 'Something else' } })
  try {
    assert.equal((await submit()).subject, 'Something else')
  } finally {
    await parley.app.domain.subjects.update(staff, subjectId, { texts: { en: before } })
  }

  await assert.rejects(submit({ operation: 'billing' }), DomainError)
  const recipients = await parley.app.domain.settings.get(admin, 'CONTACT_US_EMAIL_TO')
  await parley.app.domain.settings.update(admin, 'CONTACT_US_EMAIL_TO', {
    ...(recipients.value as Record<string, string[]>),
    billing: ['billing@example.com'],
  })
  try {
    assert.equal((await submit({ operation: 'billing' })).operation, 'billing')
  } finally {
    await parley.app.domain.settings.update(
      admin,
      'CONTACT_US_EMAIL_TO',
      recipients.isDefault ? null : recipients.value,
    )
  }
})

test('contact ids drawn in blocks are unique under concurrent forms, and each email names its own', async () => {
  const stored = await Promise.all(Array.from({ length: 120 }, () => submit()))
  const ids = stored.map((contact) => contact.id)
  assert.equal(new Set(ids).size, ids.length)
  const emails = await parley.db
    .select({ contactId: outbox.contactId, payload: outbox.payload })
    .from(outbox)
    .where(inArray(outbox.contactId, ids))
  assert.ok(emails.length >= ids.length, 'every form queued its emails')
  for (const email of emails) {
    assert.match(JSON.stringify(email.payload), new RegExp(`Contact us #${email.contactId}:`))
  }
})
