import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { AppLink } from '../../components/app-link.tsx'
import { PaperClip } from '../../components/icons.tsx'
import { Empty, Failure, Loading, Pager } from '../../components/states.tsx'
import { nameOf, shortTime } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { navigate } from '../../lib/router.ts'
import { useShortcut } from '../../lib/shortcuts.ts'
import { ContactDetail } from './contact-detail.tsx'
import { ContactFiltersBar } from './contact-filters.tsx'
import { CONTACTS_PAGE_SIZE, type ContactFilters, listContacts, noContactFilters } from './contacts-api.ts'

/** The contact-us forms, newest first (unviewed in bold), beside the one that is open. */
export function ContactsScreen({ id }: { id?: number }) {
  const { t, locale } = useI18n()
  const [filters, setFilters] = useState<ContactFilters>(noContactFilters)
  const [page, setPage] = useState(1)
  const list = useQuery({
    queryKey: ['contacts', 'list', filters, page],
    queryFn: () => listContacts(filters, page),
    placeholderData: keepPreviousData,
  })
  const results = list.data?.results ?? []
  const at = results.findIndex((contact) => contact.id === id)
  const go = (step: number) => {
    const next = results[at === -1 ? 0 : at + step]
    if (next) navigate(`/contacts/${next.id}`)
  }
  useShortcut('j', () => go(1))
  useShortcut('k', () => go(-1))

  return (
    <div className={`split${id === undefined ? '' : ' split-has-detail'}`}>
      <section className="list-pane" aria-labelledby="contacts-title">
        <header className="pane-head">
          <h1 id="contacts-title">{t('contacts.title')}</h1>
        </header>
        <ContactFiltersBar
          filters={filters}
          onChange={(next) => {
            setFilters(next)
            setPage(1)
          }}
        />
        {list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <Failure error={list.error} onRetry={() => list.refetch()} />
        ) : results.length === 0 ? (
          <Empty title={t('contacts.empty')} hint={t('contacts.emptyHint')} />
        ) : (
          <ul className="item-list" aria-label={t('contacts.listLabel')}>
            {results.map((contact) => {
              const sender = nameOf({
                email: contact.email,
                first_name: contact.first_name,
                last_name: contact.last_name,
              })
              return (
                <li key={contact.id}>
                  <AppLink
                    to={`/contacts/${contact.id}`}
                    className={`item${contact.viewed ? '' : ' item-unread'}${contact.id === id ? ' item-active' : ''}`}
                    aria-current={contact.id === id ? 'true' : undefined}
                  >
                    <span className="item-top">
                      <span className="item-title">{sender || t('contacts.guest')}</span>
                      <time className="item-time" dateTime={contact.created_at}>
                        {shortTime(contact.created_at, locale)}
                      </time>
                    </span>
                    <span className="item-subject">
                      {!contact.viewed && (
                        <>
                          <span className="unread-dot" aria-hidden="true" />
                          <span className="visually-hidden">{t('contacts.unviewed')}</span>
                        </>
                      )}
                      {contact.subject}
                    </span>
                    <span className="item-snippet">{contact.message}</span>
                    <span className="item-tags">
                      {contact.status === 'resolved' && (
                        <span className="tag tag-green">{t('contacts.status.resolved')}</span>
                      )}
                      {contact.operation && contact.operation !== 'default' && (
                        <span className="tag">{contact.operation}</span>
                      )}
                      {contact.assignee && <span className="tag tag-blue">{nameOf(contact.assignee)}</span>}
                      {contact.attachment && (
                        <span className="tag">
                          <PaperClip /> {contact.attachment.name}
                        </span>
                      )}
                    </span>
                  </AppLink>
                </li>
              )
            })}
          </ul>
        )}
        {list.data && list.data.count > 0 && (
          <Pager
            page={page}
            count={list.data.count}
            capped={list.data.count_capped}
            pageSize={CONTACTS_PAGE_SIZE}
            onPage={setPage}
          />
        )}
      </section>
      <section className="detail-pane" aria-label={t('contacts.title')}>
        {id === undefined ? <Empty title={t('contacts.select')} /> : <ContactDetail key={id} id={id} />}
      </section>
    </div>
  )
}
