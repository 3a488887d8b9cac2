import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { AppLink } from '../../components/app-link.tsx'
import { Empty, Failure, Loading, Pager } from '../../components/states.tsx'
import { nameOf, shortTime } from '../../lib/format.ts'
import { useI18n } from '../../lib/i18n.tsx'
import { navigate } from '../../lib/router.ts'
import { useShortcut } from '../../lib/shortcuts.ts'
import { ConversationFiltersBar } from './conversation-filters.tsx'
import {
  CONVERSATIONS_PAGE_SIZE,
  type ConversationFilters,
  listConversations,
  noConversationFilters,
} from './conversations-api.ts'
import { ThreadView } from './thread-view.tsx'

/** Every surface's conversations, unread first (or newest first), beside the open thread. */
export function ConversationsScreen({ id }: { id?: number }) {
  const { t, label, locale } = useI18n()
  const [filters, setFilters] = useState<ConversationFilters>(noConversationFilters)
  const [page, setPage] = useState(1)
  const list = useQuery({
    queryKey: ['conversations', 'list', filters, page],
    queryFn: () => listConversations(filters, page),
    placeholderData: keepPreviousData,
  })
  const results = list.data?.results ?? []
  const at = results.findIndex((conversation) => conversation.id === id)
  const go = (step: number) => {
    const next = results[at === -1 ? 0 : at + step]
    if (next) navigate(`/conversations/${next.id}`)
  }
  useShortcut('j', () => go(1))
  useShortcut('k', () => go(-1))

  return (
    <div className={`split${id === undefined ? '' : ' split-has-detail'}`}>
      <section className="list-pane" aria-labelledby="conversations-title">
        <header className="pane-head">
          <h1 id="conversations-title">{t('conversations.title')}</h1>
          {list.data && list.data.total_unread > 0 && (
            <span className="count count-large">
              {t(
                list.data.total_unread_capped
                  ? 'conversations.unreadTotalAtLeast'
                  : 'conversations.unreadTotal',
                {
                  count: list.data.total_unread.toLocaleString(locale),
                },
              )}
            </span>
          )}
        </header>
        <ConversationFiltersBar
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
          <Empty title={t('conversations.empty')} hint={t('conversations.emptyHint')} />
        ) : (
          <ul className="item-list" aria-label={t('conversations.listLabel')}>
            {results.map((conversation) => {
              const who = conversation.customer
                ? nameOf(conversation.customer) || conversation.seller?.name || '—'
                : t('conversations.noCustomer')
              const unread = conversation.unread_count > 0
              return (
                <li key={conversation.id}>
                  <AppLink
                    to={`/conversations/${conversation.id}`}
                    className={`item${unread ? ' item-unread' : ''}${conversation.id === id ? ' item-active' : ''}`}
                    aria-current={conversation.id === id ? 'true' : undefined}
                  >
                    <span className="item-top">
                      <span className="item-title">{who}</span>
                      <time className="item-time" dateTime={conversation.last_message_at}>
                        {shortTime(conversation.last_message_at, locale)}
                      </time>
                    </span>
                    <span className="item-subject">
                      {unread && (
                        <>
                          <span className="count" aria-hidden="true">
                            {conversation.unread_count}
                          </span>
                          <span className="visually-hidden">
                            {t('nav.unread', { count: conversation.unread_count })}
                          </span>
                        </>
                      )}
                      {conversation.subject || conversation.product?.name || t('conversations.noSubject')}
                    </span>
                    <span className="item-snippet">{conversation.last_message?.text ?? ''}</span>
                    <span className="item-tags">
                      <span className="tag">
                        {label('conversations.counterparty', conversation.counterparty)}
                      </span>
                      <span className="tag">{label('conversations.type', conversation.type)}</span>
                      {conversation.seller && <span className="tag">{conversation.seller.name}</span>}
                      {conversation.status !== 'open' && (
                        <span className="tag tag-muted">
                          {label('conversations.status', conversation.status)}
                        </span>
                      )}
                      {conversation.assignee && (
                        <span className="tag tag-blue">{nameOf(conversation.assignee)}</span>
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
            pageSize={CONVERSATIONS_PAGE_SIZE}
            onPage={setPage}
          />
        )}
      </section>
      <section className="detail-pane" aria-label={t('conversations.title')}>
        {id === undefined ? <Empty title={t('conversations.select')} /> : <ThreadView key={id} id={id} />}
      </section>
    </div>
  )
}
