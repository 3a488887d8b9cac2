import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import type { Notifier } from '../db/notifier.ts'
import type { BlobStore } from '../infra/blobs/blob-store.ts'
import { createAccountsService } from './accounts/accounts-service.ts'
import { createCatalogSync } from './catalog/catalog-sync.ts'
import { createContactsService } from './contacts/contacts-service.ts'
import { createStaffContactsService } from './contacts/staff-contacts-service.ts'
import { createSubjectsService } from './contacts/subjects-service.ts'
import { createDialogsService } from './conversations/dialogs/dialogs-service.ts'
import { createConversationsService } from './conversations/engine/conversations-service.ts'
import { createStaffInboxService } from './conversations/inbox/staff-inbox-service.ts'
import { createEventsService } from './events/events-service.ts'
import { mailDomainOf } from './outbox/email.ts'
import { createSettingsService } from './settings/settings-service.ts'
import { createThrottle } from './throttles/throttle.ts'
import { createWebhooksService } from './webhooks/webhooks-service.ts'

/** Every domain service, wired once per app and handed to each surface. */
export function createDomain(deps: {
  db: Db
  notifier: Notifier
  /** Has the outbox's emails delivered: this instance's own worker woken, or a NOTIFY for another's. */
  wakeOutbox: () => void
  /** Has queued webhooks delivered, as `wakeOutbox` has emails. */
  wakeWebhooks: () => void
  config: Config
  blobs: BlobStore
}) {
  const { db, notifier, wakeOutbox, wakeWebhooks, config, blobs } = deps
  const settings = createSettingsService(db, config.settingDefaults, config.bodyLimit)
  const accounts = createAccountsService(db, config.sessionTtlSeconds, undefined, config.login)
  const conversations = createConversationsService(db, notifier)
  const mailDomain = mailDomainOf(config.mailFrom)
  return {
    accounts,
    settings,
    contacts: createContactsService({ db, wakeOutbox, wakeWebhooks, settings, mailDomain, notifier }),
    conversations,
    dialogs: createDialogsService({ db, notifier, blobs, engine: conversations }),
    events: createEventsService(db),
    staffInbox: createStaffInboxService({ db, notifier, engine: conversations, blobs }),
    staffContacts: createStaffContactsService({ db, blobs, notifier, wakeOutbox, mailDomain }),
    subjects: createSubjectsService(db),
    catalogSync: createCatalogSync(db),
    throttle: createThrottle(db),
    webhooks: createWebhooksService({ db, allowLoopback: config.webhookAllowLoopback, wakeWebhooks }),
  }
}

export type Domain = ReturnType<typeof createDomain>
